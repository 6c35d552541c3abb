using BundleFunctions.Customers;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/customers/{tenantId}/migrate</c>: moves a customer off its legacy relationships — active ones that grant
/// Global Administrator or lack a bundle role — onto a new relationship with the bundle's roles. It is an ordinary
/// onboarding that names the relationships it replaces; they end only once the new one gives green access (its last step),
/// so the customer never goes without working access. A request is a dry run unless it says <c>"dryRun": false</c>: the
/// dry run reads Microsoft's relationships now and lists what would be requested and what would end, changing nothing.
/// </summary>
/// <param name="relationships">The partner's relationships (read fresh: what ends must be what Microsoft has now).</param>
/// <param name="book">The customer book (the customer's name and domain).</param>
/// <param name="onboardings">Starts the onboarding.</param>
/// <param name="audit">The partner-wide audit (who asked for the migration).</param>
/// <param name="api">API settings.</param>
/// <param name="partner">The partner tenant this deployment serves.</param>
/// <param name="time">The clock.</param>
public sealed class RelationshipMigrationApi(IGdapRelationships relationships, ICustomerBook book, OnboardingApi onboardings, IOperationsAudit audit, ApiOptions api, PartnerTenant partner, TimeProvider time)
{
    /// <summary>The handler.</summary>
    public async Task<IResult> MigrateAsync(string tenantId, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Guid.TryParse(tenantId, out Guid customer) || customer == Guid.Empty)
        {
            return ApiJson.Problem(404, "No such customer.", $"'{tenantId}' is not a customer tenant ID (a GUID).");
        }

        (MigrationBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<MigrationBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        CancellationToken cancellationToken = request.HttpContext.RequestAborted;
        IReadOnlyList<RelationshipSnapshot> held;
        try
        {
            held = [.. (await relationships.ListAsync(cancellationToken)).Where(r => r.CustomerTenantId == customer)];
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "The relationships could not be listed; nothing was changed.", refused.Message);
        }

        IReadOnlyList<Guid> bundleRoles = [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)];
        IReadOnlyList<LegacyRelationship> legacy = CustomerDiscovery.Legacy([.. held.Select(r => CustomerRelationship.From(r))], bundleRoles);
        if (legacy.Count == 0)
        {
            return ApiJson.Problem(
                409,
                "Nothing to migrate; nothing was changed.",
                $"Customer {customer} has no active relationship that grants Global Administrator or lacks a bundle role ({held.Count} relationship(s) seen). "
                + "To give it a relationship anyway, start an onboarding (POST /api/onboardings).");
        }

        CustomerRecord? booked = await book.GetAsync(partner.Id, customer, cancellationToken);
        string name = booked?.Name ?? held.Select(r => r.CustomerName).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? customer.ToString();
        OnboardingRequest onboarding = new(
            customer, name, booked?.Domain, RelationshipName: body!.RelationshipName, DurationDays: body.DurationDays, ReplacesRelationshipIds: [.. legacy.Select(l => l.Relationship.Id)]);
        if (onboarding.Validate() is { Count: > 0 } violations)
        {
            return Results.ValidationProblem(violations.GroupBy(v => v.Field).ToDictionary(f => f.Key, f => f.Select(v => v.Message).ToArray()), title: "The migration's new relationship breaks the GDAP rules; nothing was started.");
        }

        object[] replaces = [.. legacy.Select(l => new { relationshipId = l.Relationship.Id, displayName = l.Relationship.Name, why = l.Why })];
        if (body.DryRun ?? true)
        {
            RelationshipRequest asked = onboarding.ToRelationshipRequest();
            return ApiJson.Json(new
            {
                dryRun = true,
                customerTenantId = customer,
                onboardingId = OnboardingId.For(partner.Id, customer),
                newRelationship = new { displayName = asked.DisplayName, durationDays = asked.Duration.TotalDays, roles = asked.RoleTemplateIds.Select(RoleCatalog.NameOf) },
                replaces,
                then = "The customer approves the new relationship; once its access is green, the relationships listed under replaces are terminated.",
            });
        }

        IResult started = await onboardings.StartValidAsync(onboarding, request);
        if (started is IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted })
        {
            await audit.RecordAsync(
                partner.Id,
                new OperationsAuditEntry(time.GetUtcNow(), ApiAccess.CallerOf(request.HttpContext).Name, "migration.started", customer.ToString(), $"{name}: replaces {string.Join(", ", legacy.Select(l => l.Why))}."),
                CancellationToken.None);
        }

        return started;
    }

    /// <summary>The request body.</summary>
    /// <param name="DryRun">List what would be done and change nothing; true unless false is sent.</param>
    /// <param name="RelationshipName">The new relationship's name; default from the customer name.</param>
    /// <param name="DurationDays">The new relationship's duration, 1 to 730 days; default 730.</param>
    public sealed record MigrationBody(bool? DryRun = null, string? RelationshipName = null, int? DurationDays = null);
}
