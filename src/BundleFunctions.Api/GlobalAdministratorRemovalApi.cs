using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/relationships/remove-global-administrator</c>: takes Global Administrator out of active relationships in
/// bulk, keeping their other roles — what Partner Center offers only by hand, 25 at a time, and what blocks auto-extend.
/// The removal cannot be undone (roles cannot be added to an active relationship), so nothing is removed by accident: a
/// request is a dry run unless it says <c>"dryRun": false</c>, names its targets (<c>relationshipIds</c>, at most
/// <see cref="MaxRelationshipIds"/>) or asks for every active relationship with Global Administrator with
/// <c>"all": true</c> — never both, never neither — and a field this endpoint does not take is refused. Onboarded
/// customers get an audit line.
/// </summary>
/// <param name="relationships">The partner's GDAP relationships.</param>
/// <param name="store">The onboarding store (for the audit lines).</param>
/// <param name="api">API settings.</param>
/// <param name="partner">The partner tenant this deployment serves.</param>
/// <param name="time">The clock.</param>
public sealed class GlobalAdministratorRemovalApi(IGdapRelationships relationships, IOnboardingStore store, ApiOptions api, PartnerTenant partner, TimeProvider time)
{
    /// <summary>The most relationships one request may name.</summary>
    public const int MaxRelationshipIds = 100;

    /// <summary>The handler.</summary>
    public async Task<IResult> RemoveAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (RemovalBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<RemovalBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        Dictionary<string, string[]> errors = [];
        RemovalBody asked = body!;
        switch (asked)
        {
            case { RelationshipIds: not null, All: true }:
                errors["all"] = ["Name the relationshipIds or send \"all\": true, not both."];
                break;
            case { RelationshipIds: null, All: not true }:
                errors["relationshipIds"] = ["Name the relationships (relationshipIds), or send \"all\": true for every active relationship that includes Global Administrator."];
                break;
            case { RelationshipIds.Count: 0 }:
                errors["relationshipIds"] = ["The list is empty: name at least one relationship."];
                break;
            case { RelationshipIds: { Count: > MaxRelationshipIds } tooMany }:
                errors["relationshipIds"] = [$"At most {MaxRelationshipIds} relationships per request; {tooMany.Count} were named."];
                break;
            case { RelationshipIds: { } ids }:
                string[] malformed = [.. ids.Where(id => !RelationshipId.TryParse(id, out _)).Select(id => $"'{id}' is not a GDAP relationship ID.")];
                if (malformed.Length > 0)
                {
                    errors["relationshipIds"] = malformed;
                }

                break;
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Nothing was changed.");
        }

        CancellationToken cancellationToken = request.HttpContext.RequestAborted;
        IReadOnlyList<RelationshipSnapshot> all;
        try
        {
            all = await relationships.ListAsync(cancellationToken);
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "The relationships could not be listed; nothing was changed.", refused.Message);
        }

        bool dryRun = asked.DryRun ?? true;
        string actor = OnboardingApi.RequestedBy(request);
        List<RemovalResult> results = [];
        IEnumerable<(string Id, RelationshipSnapshot? Found)> targets = asked.RelationshipIds is { } named
            ? named.Distinct().Select(id => (id, all.FirstOrDefault(r => r.Id == id)))
            : all.Where(r => r.Status == RelationshipStatus.Active && IncludesGlobalAdministrator(r)).Select(r => (r.Id, (RelationshipSnapshot?)r));
        foreach ((string id, RelationshipSnapshot? found) in targets)
        {
            results.Add(await this.RemoveAsync(id, found, dryRun, actor, cancellationToken));
        }

        return ApiJson.Json(new { dryRun, results });
    }

    async Task<RemovalResult> RemoveAsync(string id, RelationshipSnapshot? found, bool dryRun, string actor, CancellationToken cancellationToken)
    {
        RemovalResult Result(string outcome, string? message = null) => new(id, found?.DisplayName, found?.CustomerTenantId, outcome, message);
        if (found is null)
        {
            return Result("notFound", "The partner has no relationship with this ID.");
        }

        if (!IncludesGlobalAdministrator(found))
        {
            return Result("notIncluded");
        }

        if (found.Status != RelationshipStatus.Active)
        {
            return Result("notActive", $"Global Administrator can be removed only from an active relationship; this one is {found.Status}.");
        }

        if (dryRun)
        {
            return Result("wouldRemove");
        }

        try
        {
            await relationships.RemoveGlobalAdministratorAsync(RelationshipId.Parse(id), cancellationToken);
        }
        catch (StepFailedException refused)
        {
            return Result("failed", refused.Message);
        }

        if (await store.FindByRelationshipAsync(partner.Id, id, cancellationToken) is { } onboardingId
            && await store.GetAsync(partner.Id, onboardingId, cancellationToken) is { } onboarding)
        {
            await store.ApplyAsync(new ProgressUpdate(onboarding.Subject, Message: $"Global Administrator removal started on '{found.DisplayName}'.", Actor: actor), time.GetUtcNow(), cancellationToken);
        }

        return Result("removalStarted", "Microsoft removes the role in a long-running operation; auto-extend is possible once it is gone.");
    }

    static bool IncludesGlobalAdministrator(RelationshipSnapshot relationship) => relationship.RoleTemplateIds.Contains(RoleCatalog.GlobalAdministrator.TemplateId);

    /// <summary>The request body.</summary>
    /// <param name="RelationshipIds">The relationships to change.</param>
    /// <param name="All">Instead of naming them: every active relationship that includes Global Administrator.</param>
    /// <param name="DryRun">List what would change and change nothing; true unless false is sent.</param>
    public sealed record RemovalBody(IReadOnlyList<string>? RelationshipIds = null, bool? All = null, bool? DryRun = null);

    /// <summary>What happened to one relationship.</summary>
    /// <param name="RelationshipId">The relationship.</param>
    /// <param name="DisplayName">Its name.</param>
    /// <param name="CustomerTenantId">Its customer.</param>
    /// <param name="Outcome"><c>removalStarted</c>, <c>wouldRemove</c>, <c>notIncluded</c>, <c>notActive</c>, <c>notFound</c> or <c>failed</c>.</param>
    /// <param name="Message">The detail an operator acts on.</param>
    public sealed record RemovalResult(string RelationshipId, string? DisplayName, Guid? CustomerTenantId, string Outcome, string? Message);
}
