using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.Graph.Models;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>Consents, policies and registrations change customer state, so every test here gets a simulator of its own.</summary>
public sealed class PartnerCenterTests : OwnSimulator
{
    const string AdminAgents = "a1b2c3d4-2222-4a6b-9c1d-000000000001";
    const string ServiceAccount = "a1b2c3d4-1111-4a6b-9c1d-000000000001";

    static object ConsentBody() => new
    {
        applicationId = SimulatorTestBed.AppId,
        displayName = "BundleFunctions",
        applicationGrants = new[] { new { enterpriseApplicationId = "00000003-0000-0000-c000-000000000000", scope = "Directory.Read.All,DelegatedPermissionGrant.ReadWrite.All" } },
    };

    [Fact]
    public async Task Customers_are_listed_in_pages_with_a_continuation_token()
    {
        JsonObject first = (await (await this.Bed.PartnerCenterAsync(HttpMethod.Get, "v1/customers?size=3")).Content.ReadFromJsonAsync<JsonObject>())!;
        JsonNode next = first["links"]!["next"]!;
        HttpRequestMessage request = new(HttpMethod.Get, "partnercenter" + next["uri"]!.GetValue<string>());
        request.Headers.Authorization = new("Bearer", await this.Bed.DelegatedTokenAsync(SimulatorTestBed.PartnerTenantId, MicrosoftCloudOptions.PartnerCenterScope));
        request.Headers.Add("MS-ContinuationToken", next["headers"]![0]!["value"]!.GetValue<string>());
        JsonObject second = (await (await this.Bed.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(3, first["items"]!.AsArray().Count);
        Assert.Equal("MS-ContinuationToken", next["headers"]![0]!["key"]!.GetValue<string>());
        Assert.Single(second["items"]!.AsArray());
        Assert.Null(second["links"]!["next"]);
        Assert.Equal("Fabrikam Pharma Ltd", first["items"]![0]!["companyProfile"]!["companyName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Consent_without_an_active_relationship_is_forbidden()
    {
        HttpResponseMessage response = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Woodgrove}/applicationconsents", ConsentBody());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("GDAP relationship configuration needed", (await response.Content.ReadFromJsonAsync<JsonObject>())!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_needs_an_app_plus_user_token()
    {
        await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam);

        HttpResponseMessage response = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Fabrikam}/applicationconsents", ConsentBody(), appOnly: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Consent_by_a_partner_user_outside_admin_agents_is_forbidden()
    {
        await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam);
        await this.Bed.Connection.GraphFor(SimulatorTestBed.PartnerTenantId).Groups[AdminAgents].Members[ServiceAccount].Ref.DeleteAsync();

        HttpResponseMessage response = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Fabrikam}/applicationconsents", ConsentBody());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("does not have the required permissions", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_creates_the_service_principal_and_grant_and_a_repeat_says_it_already_exists()
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Fabrikam, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);

        HttpResponseMessage first = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Fabrikam}/applicationconsents", ConsentBody());
        HttpResponseMessage repeat = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Fabrikam}/applicationconsents", ConsentBody());
        var customerGraph = this.Bed.Connection.GraphAsServiceAccountIn(SimulatorTestBed.Fabrikam);
        ServicePrincipal app = Assert.Single((await customerGraph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{SimulatorTestBed.AppId}'"))!.Value!);
        OAuth2PermissionGrant grant = Assert.Single((await customerGraph.Oauth2PermissionGrants.GetAsync(r => r.QueryParameters.Filter = $"clientId eq '{app.Id}'"))!.Value!);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, repeat.StatusCode);
        Assert.Contains("Permission entry already exists", await repeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(("AllPrincipals", "Directory.Read.All DelegatedPermissionGrant.ReadWrite.All"), (grant.ConsentType, grant.Scope));
    }

    [Fact]
    public async Task A_conditional_access_policy_without_the_service_provider_exclusion_blocks_consent_until_fixed()
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Northwind, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);

        HttpResponseMessage blocked = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Northwind}/applicationconsents", ConsentBody());
        (await this.Bed.SimAsync(HttpMethod.Post, $"customers/{SimulatorTestBed.Northwind}/conditional-access-policies/c0000002-2222-4000-8000-000000000001/exclude-service-providers")).EnsureSuccessStatusCode();
        HttpResponseMessage allowed = await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Northwind}/applicationconsents", ConsentBody());

        Assert.Equal(HttpStatusCode.BadRequest, blocked.StatusCode);
        Assert.Contains("Access has been blocked by Conditional Access Policies", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task Gdap_role_assignments_show_in_the_customer_tenant_with_the_partners_organization_id()
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Woodgrove, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Woodgrove);
        Group group = await Gdap.SecurityGroupAsync(this.Bed, $"Woodgrove Exchange {Guid.NewGuid():N}");
        DelegatedAdminAccessAssignment assignment = (await this.Bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.Exchange)))!;
        await SimulatorTestBed.EventuallyAsync(async () => (await this.Bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[assignment.Id].GetAsync())!.Status, s => s == DelegatedAdminAccessAssignmentStatus.Active);
        (await this.Bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{SimulatorTestBed.Woodgrove}/applicationconsents", ConsentBody())).EnsureSuccessStatusCode();

        UnifiedRoleAssignmentCollectionResponse assignments = (await this.Bed.Connection.GraphAsServiceAccountIn(SimulatorTestBed.Woodgrove).RoleManagement.Directory.RoleAssignments.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"roleDefinitionId eq '{SimulatorTestBed.Exchange}'";
            r.QueryParameters.Expand = ["principal"];
        }))!;

        UnifiedRoleAssignment found = Assert.Single(assignments.Value!, a => a.PrincipalId == group.Id);
        Assert.Equal(SimulatorTestBed.PartnerTenantId.ToString(), Assert.IsType<Group>(found.Principal).OrganizationId);
    }

    [Fact]
    public async Task Consent_needs_application_and_privileged_role_administrator_through_gdap_not_just_an_active_relationship()
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Fabrikam, SimulatorTestBed.UserAdmin);

        HttpResponseMessage response = await Gdap.ConsentAsync(this.Bed, SimulatorTestBed.Fabrikam);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("GDAP relationship configuration needed", (await response.Content.ReadFromJsonAsync<JsonObject>())!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throttled_partner_center_call_answers_in_partner_centers_error_shape()
    {
        await this.Bed.SimAsync(HttpMethod.Post, "faults", new { throttleRates = new Dictionary<string, double> { ["GET /partnercenter/v1/customers"] = 1.0 }, retryAfterSeconds = 41 });

        HttpResponseMessage response = await this.Bed.PartnerCenterAsync(HttpMethod.Get, "v1/customers");
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("41", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal((429, "TooManyRequests"), (body["code"]!.GetValue<int>(), body["errorName"]!.GetValue<string>()));
        Assert.Null(body["error"]);
    }

    [Fact]
    public async Task A_partner_user_signs_in_to_a_customer_only_through_gdap_and_once_the_app_is_consented_there()
    {
        string refused = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);

        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Tailspin, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);
        string notConsented = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);
        (await Gdap.ConsentAsync(this.Bed, SimulatorTestBed.Tailspin)).EnsureSuccessStatusCode();
        string allowed = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);

        Assert.Contains("AADSTS50020", refused, StringComparison.Ordinal);
        Assert.Contains("AADSTS65001", notConsented, StringComparison.Ordinal);
        Assert.Equal("ok", allowed);
    }

    [Fact]
    public async Task A_partner_user_is_blocked_by_a_customer_policy_that_does_not_exclude_service_providers()
    {
        HttpResponseMessage added = await this.Bed.SimAsync(HttpMethod.Post, $"customers/{SimulatorTestBed.Fabrikam}/conditional-access-policies", new { displayName = "Block all external" });

        string refused = await this.Bed.TrySignInAsync(SimulatorTestBed.Fabrikam);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Contains("AADSTS53003", refused, StringComparison.Ordinal);
        Assert.Contains("Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("Block all external", refused, StringComparison.Ordinal); // Entra does not name the policy
    }

    [Fact]
    public async Task Webhook_registration_is_created_once_then_updated_read_and_deleted()
    {
        object registration = new { WebhookUrl = "https://example.invalid/api/webhooks/partner-center", WebhookEvents = new[] { "granular-admin-relationship-approved" } };

        HttpResponseMessage created = await this.Bed.PartnerCenterAsync(HttpMethod.Post, "webhooks/v1/registration", registration);
        HttpResponseMessage again = await this.Bed.PartnerCenterAsync(HttpMethod.Post, "webhooks/v1/registration", registration);
        HttpResponseMessage updated = await this.Bed.PartnerCenterAsync(HttpMethod.Put, "webhooks/v1/registration", new { WebhookUrl = "https://example.invalid/v2", WebhookEvents = new[] { "test-created", "granular-admin-relationship-activated" } });
        JsonObject read = (await (await this.Bed.PartnerCenterAsync(HttpMethod.Get, "webhooks/v1/registration")).Content.ReadFromJsonAsync<JsonObject>())!;
        HttpResponseMessage deleted = await this.Bed.PartnerCenterAsync(HttpMethod.Delete, "webhooks/v1/registration");
        HttpResponseMessage gone = await this.Bed.PartnerCenterAsync(HttpMethod.Get, "webhooks/v1/registration");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.OK), (created.StatusCode, again.StatusCode, updated.StatusCode));
        Assert.True(Guid.TryParse((await created.Content.ReadFromJsonAsync<JsonObject>())!["SubscriberId"]!.GetValue<string>(), out _));
        Assert.Equal("https://example.invalid/v2", read["WebhookUrl"]!.GetValue<string>());
        Assert.Equal(["test-created", "granular-admin-relationship-activated"], read["WebhookEvents"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.StatusCode, gone.StatusCode));
    }

    [Fact]
    public async Task The_event_list_names_the_gdap_events()
    {
        string[] events = (await (await this.Bed.PartnerCenterAsync(HttpMethod.Get, "webhooks/v1/registration/events")).Content.ReadFromJsonAsync<string[]>())!;

        Assert.Contains("granular-admin-relationship-approved", events);
        Assert.Contains("granular-admin-access-assignment-activated", events);
        Assert.DoesNotContain("granular-admin-relationship-created", events);
    }
}
