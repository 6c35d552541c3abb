using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace MicrosoftCloudSimulator.Tests;

public sealed class LoginTests(SimulatorTestBed bed) : IClassFixture<SimulatorTestBed>
{
    static JsonObject Claims(string jwt) => JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(jwt.Split('.')[1]))))!.AsObject();

    static string Pad(string b64url)
    {
        string s = b64url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }

    [Fact]
    public async Task Azure_identity_gets_an_app_token_for_the_partner_tenant()
    {
        AccessToken token = await bed.Connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default);

        JsonObject claims = Claims(token.Token);
        Assert.Equal(SimulatorTestBed.PartnerTenantId.ToString(), claims["tid"]!.GetValue<string>());
        Assert.Equal("https://graph.microsoft.com", claims["aud"]!.GetValue<string>());
        Assert.Equal(SimulatorTestBed.AppId.ToString(), claims["appid"]!.GetValue<string>());
        Assert.Contains("DelegatedAdminRelationship.ReadWrite.All", claims["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.True(token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(50));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_with_the_entra_error()
    {
        using MicrosoftCloudConnection wrong = new(bed.Options(secret: "not-the-secret"));

        AuthenticationFailedException error = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            wrong.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default).AsTask());

        Assert.Contains("AADSTS7000215: Invalid client secret provided.", error.ToString(), StringComparison.Ordinal);
    }

    static X509Certificate2 NewAppCertificate()
    {
        using RSA key = RSA.Create(2048);
        CertificateRequest request = new("CN=BundleFunctions app credential", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
    }

    MicrosoftCloudOptions CertificateOnly(X509Certificate2 certificate)
    {
        MicrosoftCloudOptions options = bed.Options(secret: null);
        options.ClientCertificate = Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
        options.ServiceAccountRefreshToken = SimulatorTestBed.ServiceAccountRefreshToken;
        return options;
    }

    [Fact]
    public async Task The_app_signs_in_with_a_registered_certificate_and_no_secret_for_itself_and_the_service_account()
    {
        using X509Certificate2 certificate = NewAppCertificate();
        (await bed.SimAsync(HttpMethod.Post, $"apps/{SimulatorTestBed.AppId}/certificates", new { certificate = Convert.ToBase64String(certificate.RawData) })).EnsureSuccessStatusCode();
        using MicrosoftCloudConnection connection = new(this.CertificateOnly(certificate));

        AccessToken app = await connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default);
        AccessToken user = await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default);
        GroupCollectionResponse? groups = await connection.GraphFor(SimulatorTestBed.PartnerTenantId).Groups.GetAsync();

        Assert.Equal(SimulatorTestBed.AppId.ToString(), Claims(app.Token)["appid"]!.GetValue<string>());
        Assert.Equal(SimulatorTestBed.ServiceAccountId.ToString(), Claims(user.Token)["oid"]!.GetValue<string>());
        Assert.Contains(groups!.Value!, g => g.DisplayName == "AdminAgents");
    }

    [Fact]
    public async Task A_certificate_not_registered_for_the_app_is_refused_with_AADSTS700027()
    {
        using X509Certificate2 unregistered = NewAppCertificate();
        using MicrosoftCloudConnection connection = new(this.CertificateOnly(unregistered));

        AuthenticationFailedException error = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default).AsTask());

        Assert.Contains("AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unresolved_key_vault_reference_is_named_as_such_instead_of_failing_as_a_wrong_secret()
    {
        MicrosoftCloudOptions options = bed.Options(secret: "@Microsoft.KeyVault(SecretUri=https://kv-bundle.vault.azure.net/secrets/microsoft-cloud-app-secret)");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new MicrosoftCloudConnection(options));

        Assert.StartsWith("MicrosoftCloud__ClientSecret is a Key Vault reference that did not resolve", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_setting_without_a_private_key_is_refused_when_the_connection_is_made()
    {
        using X509Certificate2 certificate = NewAppCertificate();
        MicrosoftCloudOptions options = bed.Options(secret: null);
        options.ClientCertificate = Convert.ToBase64String(certificate.RawData);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new MicrosoftCloudConnection(options));

        Assert.StartsWith("MicrosoftCloud__ClientCertificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotated_service_account_refresh_tokens_are_kept_in_key_vault_and_a_restarted_app_uses_the_newest()
    {
        string secret = "svc-refresh-" + Guid.NewGuid().ToString("N")[..8];
        MicrosoftCloudOptions Configured(string refreshToken)
        {
            MicrosoftCloudOptions options = bed.Options();
            options.ServiceAccountRefreshToken = refreshToken;
            options.ServiceAccountRefreshTokenSecretUri = new Uri(bed.Simulator.BaseAddress, $"secrets/{secret}");
            return options;
        }

        using (MicrosoftCloudConnection first = new(Configured(SimulatorTestBed.ServiceAccountRefreshToken)))
        {
            await first.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default);
        }

        // After a restart the configured token is one Entra no longer accepts: only the vault's newest version can sign in.
        using MicrosoftCloudConnection restarted = new(Configured("a-refresh-token-entra-no-longer-accepts"));
        AccessToken token = await restarted.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default);

        Assert.Equal(SimulatorTestBed.ServiceAccountId.ToString(), Claims(token.Token)["oid"]!.GetValue<string>());
        Assert.Equal(2, bed.Simulator.Services.GetRequiredService<KeyVault.SimulatedVault>().VersionsOf(secret));
    }

    [Fact]
    public async Task A_vault_secret_the_app_may_only_read_refuses_the_rotated_token_and_the_failure_names_the_role_to_grant()
    {
        string secret = "svc-refresh-" + Guid.NewGuid().ToString("N")[..8];
        (await bed.SimAsync(HttpMethod.Post, $"vault/secrets/{secret}/read-only")).EnsureSuccessStatusCode();
        MicrosoftCloudOptions options = bed.Options();
        options.ServiceAccountRefreshToken = SimulatorTestBed.ServiceAccountRefreshToken;
        options.ServiceAccountRefreshTokenSecretUri = new Uri(bed.Simulator.BaseAddress, $"secrets/{secret}");
        using MicrosoftCloudConnection connection = new(options);

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default).AsTask());

        Assert.Equal(
            $"The rotated service-account refresh token could not be stored in Key Vault secret '{secret}' (403 Forbidden): give the app's identity Key Vault Secrets Officer on the vault.",
            error.Message);
        Assert.Equal(0, bed.Simulator.Services.GetRequiredService<KeyVault.SimulatedVault>().VersionsOf(secret));
    }

    [Fact]
    public async Task Without_a_refresh_token_the_service_account_cannot_sign_in_and_the_failure_says_how_to_get_one()
    {
        MicrosoftCloudOptions options = bed.Options();
        options.ServiceAccountRefreshToken = null;
        using MicrosoftCloudConnection connection = new(options);

        BundleFunctions.Ports.StepFailedException error = await Assert.ThrowsAsync<BundleFunctions.Ports.StepFailedException>(() =>
            connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default).AsTask());

        Assert.StartsWith("MicrosoftCloud__ServiceAccountRefreshToken is not set: sign the service account in once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_token_entra_no_longer_accepts_fails_with_AADSTS70000_saying_the_service_account_could_not_sign_in()
    {
        MicrosoftCloudOptions options = bed.Options();
        options.ServiceAccountRefreshToken = "a-refresh-token-revoked-by-a-password-reset";
        using MicrosoftCloudConnection connection = new(options);

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default).AsTask());

        Assert.IsType<BundleFunctions.Ports.StepFailedException>(error);
        Assert.StartsWith("The service account could not sign in: AADSTS70000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_by_a_service_account_without_mfa_is_refused_naming_admin_agents_with_mfa_as_the_fix()
    {
        MicrosoftCloudOptions options = bed.Options();
        options.ServiceAccountRefreshToken = "sim-refresh-token-tech"; // tech@: an Admin Agent without MFA enforced
        using MicrosoftCloudConnection connection = new(options);

        BundleFunctions.Ports.StepFailedException error = await Assert.ThrowsAsync<BundleFunctions.Ports.StepFailedException>(() =>
            new CustomerTenantAccess(connection, BundleFunctions.Bundle.BundleConfiguration.Default).EnsureConsentAsync(SimulatorTestBed.Fabrikam, default));

        Assert.Equal(
            "Partner Center refused the application consent (403): The user (principal) does not have the required permissions to perform the specified action on the resource. "
            + "Make sure the service account is in AdminAgents with MFA enforced, and the app has DelegatedAdminRelationship.ReadWrite.All.",
            error.Message);
    }

    [Fact]
    public async Task The_vault_challenges_a_request_without_a_token_with_its_authority_and_resource()
    {
        HttpResponseMessage response = await bed.Http.GetAsync("secrets/anything?api-version=7.5");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer authorization=\"{bed.Simulator.BaseAddress.AbsoluteUri.TrimEnd('/')}/{SimulatorTestBed.PartnerTenantId}\", resource=\"https://vault.azure.net\"",
            response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_unknown_tenant_is_refused_with_AADSTS90002()
    {
        AuthenticationFailedException error = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            bed.Connection.CredentialFor(Guid.NewGuid()).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default).AsTask());

        Assert.Contains("AADSTS90002", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_cannot_sign_in_to_a_customer_that_never_consented()
    {
        AuthenticationFailedException error = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            bed.Connection.CredentialFor(SimulatorTestBed.Woodgrove).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default).AsTask());

        Assert.Contains("AADSTS700016", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_graph_sdk_calls_the_simulator_with_the_token()
    {
        User? user = await bed.PartnerGraph.Users["svc-bundle@contosomsp.onmicrosoft.com"].GetAsync();

        Assert.Equal((SimulatorTestBed.ServiceAccountId.ToString(), "Bundle service account"), (user!.Id, user.DisplayName));
    }

    [Fact]
    public async Task Graph_without_a_token_answers_401_in_graphs_error_shape()
    {
        using HttpResponseMessage response = await bed.Http.GetAsync("v1.0/groups");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("InvalidAuthenticationToken", body["error"]!["code"]!.GetValue<string>());
        Assert.NotNull(body["error"]!["innerError"]!["request-id"]);
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        AccessToken token = await bed.Connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default);
        string[] parts = token.Token.Split('.');
        string forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(Claims(token.Token).ToJsonString().Replace(SimulatorTestBed.PartnerTenantId.ToString(), SimulatorTestBed.Fabrikam.ToString(), StringComparison.Ordinal))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using HttpRequestMessage request = new(HttpMethod.Get, "v1.0/groups");
        request.Headers.Authorization = new("Bearer", $"{parts[0]}.{forged}.{parts[2]}");

        using HttpResponseMessage response = await bed.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_partner_center_token_is_not_accepted_by_graph()
    {
        AccessToken token = await bed.Connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default);
        using HttpRequestMessage request = new(HttpMethod.Get, "v1.0/groups");
        request.Headers.Authorization = new("Bearer", token.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bed.Http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("fabrikampharma.onmicrosoft.com", "c0000001-0000-4000-8000-000000000001")]
    [InlineData("c0000001-0000-4000-8000-000000000001", "c0000001-0000-4000-8000-000000000001")]
    public async Task Openid_discovery_resolves_a_domain_or_id_to_the_tenant(string tenant, string expectedId)
    {
        JsonObject config = (await bed.Http.GetFromJsonAsync<JsonObject>($"{tenant}/v2.0/.well-known/openid-configuration"))!;

        Assert.Equal(expectedId, new Uri(config["token_endpoint"]!.GetValue<string>()).Segments[1].TrimEnd('/'));
        Assert.EndsWith($"/{expectedId}/v2.0", config["issuer"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openid_discovery_of_an_unknown_domain_is_400_invalid_tenant()
    {
        using HttpResponseMessage response = await bed.Http.GetAsync("nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_tenant", body["error"]!.GetValue<string>());
        Assert.Equal(90002, body["error_codes"]![0]!.GetValue<int>());
    }

    [Fact]
    public async Task An_odata_error_from_the_simulator_is_read_by_the_sdk()
    {
        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Users[Guid.NewGuid().ToString()].GetAsync());

        Assert.Equal((404, "Request_ResourceNotFound"), (error.ResponseStatusCode, error.Error!.Code));
    }

    [Fact]
    public async Task A_refresh_token_grant_without_client_authentication_is_refused_as_entra_refuses_a_confidential_client()
    {
        using HttpResponseMessage response = await bed.Http.PostAsync($"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = SimulatorTestBed.AppId.ToString(),
            ["refresh_token"] = SimulatorTestBed.ServiceAccountRefreshToken,
            ["scope"] = MicrosoftCloudOptions.PartnerCenterScope,
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("AADSTS7000218", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
