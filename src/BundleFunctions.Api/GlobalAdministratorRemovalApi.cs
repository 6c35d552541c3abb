using System.Security.Cryptography;
using System.Text;
using BundleFunctions.Gdap;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/relationships/remove-global-administrator</c>: takes Global Administrator out of active relationships in
/// bulk, keeping their other roles — what Partner Center offers only by hand, 25 at a time, and what blocks auto-extend.
/// The removal cannot be undone (roles cannot be added to an active relationship), so nothing is removed by accident: a
/// request is a dry run unless it says <c>"dryRun": false</c>, names its targets (<c>relationshipIds</c>, at most
/// <see cref="MaxRelationshipIds"/>) or asks for every active relationship with Global Administrator with
/// <c>"all": true</c> — never both, never neither — and a field this endpoint does not take is refused. A dry run answers
/// at once; a real one runs as an orchestration that survives the caller leaving (202 and a status URL,
/// <c>GET …/remove-global-administrator/{id}</c>), auditing every relationship it touches.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="relationships">The partner's GDAP relationships (the dry run reads them).</param>
/// <param name="api">API settings.</param>
/// <param name="partner">The partner tenant this deployment serves.</param>
/// <param name="workflow">Timings (the retries of each relationship's calls).</param>
public sealed class GlobalAdministratorRemovalApi(DurableTaskClient client, IGdapRelationships relationships, ApiOptions api, WorkflowOptions workflow, PartnerTenant partner)
{
    /// <summary>The most relationships one request may name.</summary>
    public const int MaxRelationshipIds = 100;

    string RunPrefix => $"gar-{partner.Id:N}-";

    /// <summary>The handler of the POST.</summary>
    public async Task<IResult> RemoveAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (RemovalBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<RemovalBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        RemovalBody asked = body!;
        if (Problems(asked) is { Count: > 0 } errors)
        {
            return Results.ValidationProblem(errors, title: "Nothing was changed.");
        }

        IReadOnlyList<string>? named = asked.RelationshipIds?.Distinct().ToArray();
        return asked.DryRun ?? true
            ? await this.DryRunAsync(named, request.HttpContext.RequestAborted)
            : await this.StartAsync(named, request);
    }

    /// <summary>The handler of <c>GET /api/relationships/remove-global-administrator/{id}</c>: the run's report so far.</summary>
    public async Task<IResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        OrchestrationMetadata? run = id.StartsWith(this.RunPrefix, StringComparison.Ordinal)
            ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken)
            : null;
        if (run is null)
        {
            return ApiJson.Problem(404, "No such removal run.", $"There is no Global Administrator removal run '{id}'.");
        }

        GlobalAdministratorRemovalReport report = (run.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? run.ReadOutputAs<GlobalAdministratorRemovalReport>() : run.ReadCustomStatusAs<GlobalAdministratorRemovalReport>())
            ?? new GlobalAdministratorRemovalReport(0, []);
        string status = run.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => "completed",
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => "failed",
            _ => "running",
        };
        return ApiJson.Json(new { id, status, dryRun = false, total = report.Total, done = report.Results.Count, results = report.Results, failure = run.FailureDetails?.ErrorMessage });
    }

    async Task<IResult> DryRunAsync(IReadOnlyList<string>? named, CancellationToken cancellationToken)
    {
        IReadOnlyList<RelationshipSnapshot> all;
        try
        {
            all = await relationships.ListAsync(cancellationToken);
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "The relationships could not be listed; nothing was changed.", refused.Message);
        }

        IEnumerable<(string Id, RelationshipSnapshot? Found)> targets = named is not null
            ? named.Select(id => (id, all.FirstOrDefault(r => r.Id == id)))
            : all.Where(r => r.Status == RelationshipStatus.Active && GlobalAdministratorRemoval.Includes(r)).Select(r => (r.Id, (RelationshipSnapshot?)r));
        GlobalAdministratorRemovalResult[] results = [.. targets.Select(t => GlobalAdministratorRemoval.LeftAlone(t.Id, t.Found)
            ?? new GlobalAdministratorRemovalResult(t.Id, t.Found!.DisplayName, t.Found.CustomerTenantId, GlobalAdministratorRemovalOutcomes.WouldRemove, null))];
        return ApiJson.Json(new { dryRun = true, results });
    }

    async Task<IResult> StartAsync(IReadOnlyList<string>? named, HttpRequest request)
    {
        // One run per target list at a time: a double click or a client's retry while it runs joins it instead of racing it.
        string id = this.RunPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(named is null ? "*" : string.Join(',', named.Order(StringComparer.Ordinal)))))[..16].ToLowerInvariant();
        await RunStatuses.StartUnlessLiveAsync(
            client,
            RemoveGlobalAdministratorOrchestrator.Name,
            new GlobalAdministratorRemovalRequest(partner.Id, named, ApiAccess.CallerOf(request.HttpContext).Name, workflow.ToSettings().ActivityRetry),
            id,
            request.HttpContext.RequestAborted);

        string location = $"/api/relationships/remove-global-administrator/{id}";
        request.HttpContext.Response.Headers.Location = location;
        request.HttpContext.Response.Headers.RetryAfter = api.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiJson.Json(new { id, status = "running", dryRun = false, statusUrl = location }, StatusCodes.Status202Accepted);
    }

    static Dictionary<string, string[]> Problems(RemovalBody asked)
    {
        Dictionary<string, string[]> errors = [];
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

        return errors;
    }

    /// <summary>The request body.</summary>
    /// <param name="RelationshipIds">The relationships to change.</param>
    /// <param name="All">Instead of naming them: every active relationship that includes Global Administrator.</param>
    /// <param name="DryRun">List what would change and change nothing; true unless false is sent.</param>
    public sealed record RemovalBody(IReadOnlyList<string>? RelationshipIds = null, bool? All = null, bool? DryRun = null);
}
