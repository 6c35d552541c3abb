using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.Graph.Models.ODataErrors;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>The partner-side setup Microsoft checks: what the product's readiness report reads.</summary>
public sealed class PartnerSetupTests() : OwnSimulator
{
    const string GdapServicePrincipalApp = "2832473f-ec63-45fb-976f-5d45a7d4bb91";

    static JsonObject Claims(string jwt)
    {
        string s = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='))))!.AsObject();
    }

    [Fact]
    public async Task App_only_gdap_calls_need_the_partner_customer_delegated_administration_service_principal()
    {
        Assert.NotNull(await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.GetAsync());

        (await this.Bed.SimAsync(HttpMethod.Delete, $"partner/service-principals/{GdapServicePrincipalApp}")).EnsureSuccessStatusCode();

        ODataError refused = await Assert.ThrowsAsync<ODataError>(() => this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.GetAsync());
        Assert.Equal(403, refused.ResponseStatusCode);
        Assert.Equal("Authorization_RequestDenied", refused.Error?.Code);
    }

    [Fact]
    public async Task The_partner_tenant_lists_the_gdap_service_principal_by_app_id()
    {
        var found = await this.Bed.PartnerGraph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GdapServicePrincipalApp}'");

        Assert.Equal("Partner Customer Delegated Administration", Assert.Single(found!.Value!).DisplayName);
    }

    [Fact]
    public async Task An_expired_client_secret_is_refused_with_aadsts7000222()
    {
        (await this.Bed.SimAsync(HttpMethod.Post, $"apps/{SimulatorTestBed.AppId}/secret-expiry", new { @in = "-00:01:00" })).EnsureSuccessStatusCode();
        using MicrosoftCloudConnection fresh = new(this.Bed.Options());

        AuthenticationFailedException error = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            fresh.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default).AsTask());
        Assert.Contains("AADSTS7000222: The provided client secret keys for app", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Applications_show_the_secret_hint_and_end_date_never_its_value()
    {
        (await this.Bed.SimAsync(HttpMethod.Post, $"apps/{SimulatorTestBed.AppId}/secret-expiry", new { @in = "12.00:00:00" })).EnsureSuccessStatusCode();

        var apps = await this.Bed.PartnerGraph.Applications.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{SimulatorTestBed.AppId}'");

        var secret = Assert.Single(Assert.Single(apps!.Value!).PasswordCredentials!);
        Assert.Equal("sim", secret.Hint);
        Assert.Null(secret.SecretText);
        Assert.InRange(secret.EndDateTime!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(11), TimeSpan.FromDays(13));
    }

    [Fact]
    public async Task A_delegated_token_says_whether_the_sign_in_used_mfa()
    {
        JsonObject claims = Claims(await this.Bed.DelegatedTokenAsync(SimulatorTestBed.PartnerTenantId, MicrosoftCloudOptions.GraphScope));

        Assert.Equal(["pwd", "mfa"], claims["amr"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("svc-bundle@contosomsp.onmicrosoft.com", claims["upn"]!.GetValue<string>());

        using HttpResponseMessage technician = await this.Bed.Http.PostAsync($"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = SimulatorTestBed.AppId.ToString(),
            ["client_secret"] = "sim-only-client-secret",
            ["refresh_token"] = "sim-refresh-token-tech",
            ["scope"] = MicrosoftCloudOptions.GraphScope,
        }));
        JsonObject withoutMfa = Claims((await technician.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>());
        Assert.Equal(["pwd"], withoutMfa["amr"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task The_partner_tenant_lists_its_users_directory_roles()
    {
        string filter = $"principalId eq '{SimulatorTestBed.ServiceAccountId}'";
        Assert.Empty((await this.Bed.PartnerGraph.RoleManagement.Directory.RoleAssignments.GetAsync(r => r.QueryParameters.Filter = filter))!.Value!);

        (await this.Bed.SimAsync(HttpMethod.Post, $"partner/users/{SimulatorTestBed.ServiceAccountId}/directory-roles/{SimulatorTestBed.GlobalAdmin}")).EnsureSuccessStatusCode();

        var held = await this.Bed.PartnerGraph.RoleManagement.Directory.RoleAssignments.GetAsync(r => r.QueryParameters.Filter = filter);
        Assert.Equal(SimulatorTestBed.GlobalAdmin, Assert.Single(held!.Value!).RoleDefinitionId);
    }

    [Fact]
    public async Task A_revoked_application_permission_leaves_the_app_token()
    {
        (await this.Bed.SimAsync(HttpMethod.Post, $"apps/{SimulatorTestBed.AppId}/revoke", new { permission = "Group.ReadWrite.All" })).EnsureSuccessStatusCode();
        using MicrosoftCloudConnection fresh = new(this.Bed.Options());

        AccessToken token = await fresh.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default);

        Assert.DoesNotContain("Group.ReadWrite.All", Claims(token.Token)["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task A_vault_secret_the_app_may_not_read_is_refused_by_rbac()
    {
        using HttpRequestMessage put = new(HttpMethod.Put, "secrets/refresh-token?api-version=7.5") { Content = JsonContent.Create(new { value = "x" }) };
        string vaultToken = (await this.Bed.Connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext(["https://vault.azure.net/.default"]), default)).Token;
        put.Headers.Authorization = new("Bearer", vaultToken);
        (await this.Bed.Http.SendAsync(put)).EnsureSuccessStatusCode();
        (await this.Bed.SimAsync(HttpMethod.Post, "vault/secrets/refresh-token/no-access")).EnsureSuccessStatusCode();

        using HttpRequestMessage get = new(HttpMethod.Get, "secrets/refresh-token?api-version=7.5");
        get.Headers.Authorization = new("Bearer", vaultToken);
        using HttpResponseMessage refused = await this.Bed.Http.SendAsync(get);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("ForbiddenByRbac", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("secrets/getSecret/action", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_partner_tenant_lists_the_delegated_permissions_each_api_publishes()
    {
        var graph = await this.Bed.PartnerGraph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = "appId eq '00000003-0000-0000-c000-000000000000'");
        var exchange = await this.Bed.PartnerGraph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = "appId eq '00000002-0000-0ff1-ce00-000000000000'");

        Assert.Contains("Directory.Read.All", Assert.Single(graph!.Value!).Oauth2PermissionScopes!.Select(p => p.Value));
        Assert.Contains("Exchange.Manage", Assert.Single(exchange!.Value!).Oauth2PermissionScopes!.Select(p => p.Value));
    }

    [Fact]
    public async Task A_consent_naming_a_permission_its_api_does_not_publish_is_refused()
    {
        using HttpResponseMessage refused = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Fabrikam}/applicationconsents", new
        {
            applicationId = SimulatorTestBed.AppId,
            applicationGrants = new[] { new { enterpriseApplicationId = "00000003-0000-0000-c000-000000000000", scope = "Directory.Read.All,Mail.Sendd" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Mail.Sendd", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
