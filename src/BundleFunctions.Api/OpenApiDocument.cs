using System.Text.Json.Nodes;

namespace BundleFunctions.Api;

/// <summary>The OpenAPI 3.0 description of the public surface, served at <c>/api/openapi.json</c> (a test keeps it in step with the routes).</summary>
public static class OpenApiDocument
{
    /// <summary>The document.</summary>
    public static JsonObject Value => new()
    {
        ["openapi"] = "3.0.3",
        ["info"] = new JsonObject { ["title"] = "BundleFunctions", ["version"] = "1.0", ["description"] = "GDAP onboarding of Microsoft 365 customers for an MSP." },
        ["components"] = new JsonObject
        {
            ["securitySchemes"] = new JsonObject
            {
                ["entraId"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT", ["description"] = "An Entra ID access token for the BundleFunctions API app registration; its roles (BundleFunctions.Reader, .Operator, .Administrator) decide what it may do." },
                ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key", ["description"] = "For systems that cannot use OAuth: Reader and Operator routes only." },
            },
            ["schemas"] = new JsonObject
            {
                ["StartOnboarding"] = Schema(("customerTenantId", "string"), ("customerName", "string"), ("customerDomain", "string"), ("organizationId", "string"),
                    ("relationshipName", "string"), ("durationDays", "integer"), ("autoExtend", "boolean"), ("roles", "array"), ("adoptRelationshipId", "string")),
                ["OnboardingStatus"] = Schema(("id", "string"), ("customerTenantId", "string"), ("customerName", "string"), ("status", "string"), ("shield", "string"),
                    ("relationshipId", "string"), ("invitationUrl", "string"), ("currentStep", "string"), ("steps", "array"), ("createdAt", "string"), ("updatedAt", "string")),
            },
        },
        ["paths"] = new JsonObject
        {
            ["/api/onboardings"] = new JsonObject
            {
                ["post"] = Operation("Start an onboarding", keyed: true, "202", "400", "401", "409", "413"),
                ["get"] = Operation("List onboardings, a page at a time in onboarding-ID order (filters: status, customerTenantId; top 1-100, default 100; continuationToken from the Link header of the previous page)", keyed: true, "200", "400", "401"),
            },
            ["/api/onboardings/consent-all"] = new JsonObject { ["post"] = Operation("Consent for all customers: every succeeded onboarding gets the quick refresh (consent again, then the access check), e.g. after the app's permissions changed; every other onboarding is reported with where it stands, not attempted; a dry run unless dryRun is false", keyed: true, "200", "400", "401", "413") },
            ["/api/onboardings/{id}"] = new JsonObject { ["get"] = Operation("Read an onboarding", keyed: true, "200", "401", "404") },
            ["/api/onboardings/{id}/audit"] = new JsonObject { ["get"] = Operation("An onboarding's audit trail, oldest first: at, what, message, actor (who caused it); top 1-100, default 100; continuationToken from the Link header of the previous page", keyed: true, "200", "400", "401", "404") },
            ["/api/onboardings/{id}/cancel"] = new JsonObject { ["post"] = Operation("Cancel", keyed: true, "202", "401", "404", "409") },
            ["/api/onboardings/{id}/retry"] = new JsonObject { ["post"] = Operation("Retry from the failed step", keyed: true, "202", "401", "404", "409") },
            ["/api/onboardings/{id}/refresh"] = new JsonObject { ["post"] = Operation("Quick refresh: recheck access now", keyed: true, "202", "401", "404", "409") },
            ["/api/onboarding-batches"] = new JsonObject { ["post"] = Operation("Onboard many customers: {customers: [{customerTenantId, customerName?, organizationId?}]} or {verdict: covered|needsNewRelationship} from the customer book (at most 1000; a covered customer's relationship is adopted); 202 + Location; the same customers again join the same batch (200) and nothing starts twice", keyed: true, "200", "202", "400", "401", "413") },
            ["/api/onboarding-batches/{id}"] = new JsonObject { ["get"] = Operation("A batch: running/completed/cancelled, started, alreadyHadOnboarding, notReached, its onboardings by status and by shield, and each customer with its onboarding link", keyed: true, "200", "401", "404") },
            ["/api/onboarding-batches/{id}/cancel"] = new JsonObject { ["post"] = Operation("Cancel a batch: no more customers are admitted; onboardings already started go on", keyed: true, "202", "401", "404", "409") },
            ["/api/customers"] = new JsonObject { ["get"] = Operation("List the customer book, a page at a time in tenant-ID order: name, domain, relationships, verdict (covered, needsNewRelationship, onboarding) and why, onboarding and shield at the last import, organizationId (filters: verdict, organizationId; top 1-100, default 100; continuationToken from the Link header of the previous page)", keyed: true, "200", "400", "401") },
            ["/api/customers/import"] = new JsonObject { ["post"] = Operation("Import the customer book now from Partner Center's customer list and Graph's relationships, judging each customer; answers with counts by verdict (also runs daily at 05:30 UTC)", keyed: true, "200", "401", "502", "503") },
            ["/api/customers/organizations"] = new JsonObject { ["put"] = Operation("Map many customers to PSA/RMM organizations: [{customerTenantId, organizationId}] (null removes a mapping; at most 1000); one bad line refuses all and nothing is written", keyed: true, "200", "400", "401", "413") },
            ["/api/customers/{tenantId}"] = new JsonObject { ["get"] = Operation("Read one customer of the book", keyed: true, "200", "401", "404") },
            ["/api/customers/{tenantId}/organization"] = new JsonObject { ["put"] = Operation("Map a customer to a PSA/RMM organization: {organizationId} (null removes the mapping); kept across imports", keyed: true, "200", "400", "401", "404", "413") },
            ["/api/customers/{tenantId}/migrate"] = new JsonObject { ["post"] = Operation("Migrate a customer off its legacy relationships (Global Administrator, missing bundle roles): a dry run (200: the new relationship and what would end) unless dryRun is false, which starts an onboarding (202 + Location) that ends them once the new one is green; 409 when there is nothing to migrate or an onboarding runs", keyed: true, "200", "202", "400", "401", "404", "409", "502") },
            ["/api/customers/{tenantId}/offboard"] = new JsonObject { ["post"] = Operation("Offboard a customer: mode terminateRelationships (default) or removeAccessAssignments, removeConsent (default true), reason; a dry run (200) unless dryRun is false, which starts a run (202 + Location); 409 while its onboarding runs", keyed: true, "200", "202", "400", "401", "404", "409", "502") },
            ["/api/customers/{tenantId}/offboarding"] = new JsonObject { ["get"] = Operation("A customer's offboarding run: running/completed/incomplete/failed, the consent's and each relationship's outcome", keyed: true, "200", "401", "404") },
            ["/api/relationships/remove-global-administrator"] = new JsonObject { ["post"] = Operation("Remove Global Administrator from active relationships: the listed relationshipIds (at most 100) or all: true; a dry run (200) unless dryRun is false, which starts a run (202 + Location); unknown fields are a 400", keyed: true, "200", "202", "400", "401", "502") },
            ["/api/relationships/remove-global-administrator/{id}"] = new JsonObject { ["get"] = Operation("A removal run's report: running/completed/failed, total, done, each relationship's outcome", keyed: true, "200", "401", "404") },
            ["/api/webhooks/partner-center/registration"] = new JsonObject { ["post"] = Operation("Register (or update) this deployment's own receiver with Partner Center for the GDAP events; replace: true takes over another URL's registration", keyed: true, "200", "201", "400", "401", "409", "502", "503") },
            ["/api/admin-consent/callback"] = new JsonObject { ["get"] = Page("Where Entra sends the customer's administrator after the enterprise-app admin-consent link (authenticated by the link's state)", "200", "400") },
            ["/api/webhooks/partner-center"] = new JsonObject { ["post"] = Operation("Partner Center event delivery (authenticated by its signature)", keyed: false, "200", "400", "401", "413") },
            ["/api/readiness"] = new JsonObject { ["get"] = Operation("Partner readiness: each check of the app, the service account, Key Vault, the GDAP service principal and the webhook, with pass/warn/fail, what was seen and the fix; status ready, attention or notReady", keyed: true, "200", "401", "502") },
            ["/api/health"] = new JsonObject { ["get"] = Operation("Liveness: status ok or degraded, the Microsoft cloud connection's problem and unresolved Key Vault references, by name", keyed: false, "200") },
            ["/api/openapi.json"] = new JsonObject { ["get"] = Operation("This document", keyed: false, "200") },
        },
    };

    static JsonObject Operation(string summary, bool keyed, params string[] statuses)
    {
        JsonObject operation = new()
        {
            ["summary"] = summary,
            ["responses"] = new JsonObject(statuses.Select(s => KeyValuePair.Create(s, (JsonNode?)new JsonObject { ["description"] = s[0] is '2' ? "Success" : "Problem details (RFC 7807)" }))),
        };
        if (keyed)
        {
            // Either credential; a caller without the route's role gets 403.
            operation["security"] = new JsonArray(new JsonObject { ["entraId"] = new JsonArray() }, new JsonObject { ["functionKey"] = new JsonArray() });
            operation["responses"]!["403"] ??= new JsonObject { ["description"] = "Problem details (RFC 7807): the caller lacks the route's role" };
        }

        return operation;
    }

    /// <summary>An operation a browser calls: every answer is an HTML page for a person, not JSON.</summary>
    static JsonObject Page(string summary, params string[] statuses) => new()
    {
        ["summary"] = summary,
        ["responses"] = new JsonObject(statuses.Select(s => KeyValuePair.Create(s, (JsonNode?)new JsonObject
        {
            ["description"] = "An HTML page for the customer's administrator",
            ["content"] = new JsonObject { ["text/html"] = new JsonObject() },
        }))),
    };

    static JsonObject Schema(params (string Name, string Type)[] properties) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)new JsonObject { ["type"] = p.Type }))),
    };
}
