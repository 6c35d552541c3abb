using BundleFunctions.Customers;
using BundleFunctions.Gdap;
using BundleFunctions.Offboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/customers/{tenantId}/offboard</c>: ends a customer's management — its relationships terminated
/// (<c>"mode": "terminateRelationships"</c>, the default) or their access assignments deleted (<c>"removeAccessAssignments"</c>,
/// the relationships stay), and the application's consent removed unless <c>"removeConsent": false</c>. Ending cannot be
/// undone without the customer, so a request is a dry run unless it says <c>"dryRun": false</c>; a customer whose onboarding
/// still runs is refused (cancel it first). A real run is an orchestration that survives the caller leaving (202, then
/// <c>GET …/offboarding</c>); at its end the customer stays in the book with the verdict <c>offboarded</c> and its onboarding
/// record keeps its history, with the offboarding in its audit trail.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="onboardings">Whether the customer's onboarding runs.</param>
/// <param name="relationships">The partner's relationships (read fresh).</param>
/// <param name="book">The customer book.</param>
/// <param name="api">API settings.</param>
/// <param name="workflow">Timings (the retries of each call).</param>
/// <param name="partner">The partner tenant this deployment serves.</param>
public sealed class OffboardingApi(DurableTaskClient client, OnboardingApi onboardings, IGdapRelationships relationships, ICustomerBook book, ApiOptions api, WorkflowOptions workflow, PartnerTenant partner)
{
    /// <summary>The longest reason accepted.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The handler of the POST.</summary>
    public async Task<IResult> OffboardAsync(string tenantId, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CancellationToken cancellationToken = request.HttpContext.RequestAborted;
        if (!Guid.TryParse(tenantId, out Guid customer) || await book.GetAsync(partner.Id, customer, cancellationToken) is not { } booked)
        {
            return ApiJson.Problem(404, "No such customer in the customer book.", $"'{tenantId}' was not found by the last import; run POST /api/customers/import, then try again.");
        }

        (OffboardBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<OffboardBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        (OffboardingMode mode, Dictionary<string, string[]> errors) = body!.Read();
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Nothing was changed.");
        }

        string onboardingId = OnboardingId.For(partner.Id, customer);
        if (await onboardings.IsRunningAsync(customer, cancellationToken))
        {
            return ApiJson.Problem(
                409,
                "This customer's onboarding is still running; nothing was changed.",
                $"Cancel onboarding '{onboardingId}' first (POST /api/onboardings/{onboardingId}/cancel), then offboard the customer.",
                new Dictionary<string, object?> { ["id"] = onboardingId });
        }

        IReadOnlyList<RelationshipSnapshot> held;
        try
        {
            held = [.. (await relationships.ListAsync(cancellationToken)).Where(r => r.CustomerTenantId == customer)];
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "The relationships could not be listed; nothing was changed.", refused.Message);
        }

        OffboardingPlan plan = new(
            partner.Id, customer, mode, body.RemoveConsent ?? true, [.. held.Select(r => r.Id)], ApiAccess.CallerOf(request.HttpContext).Name, body.Reason, workflow.ToSettings().ActivityRetry);
        return body.DryRun ?? true ? DryRun(plan, held, booked) : await this.StartAsync(plan, tenantId, request);
    }

    /// <summary>The handler of <c>GET /api/customers/{tenantId}/offboarding</c>: the run's report so far.</summary>
    public async Task<IResult> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        OrchestrationMetadata? run = Guid.TryParse(tenantId, out Guid customer)
            ? await client.GetInstanceAsync(this.RunId(customer), getInputsAndOutputs: true, cancellationToken)
            : null;
        if (run is null)
        {
            return ApiJson.Problem(404, "No offboarding of this customer.", $"Customer '{tenantId}' was never offboarded here.");
        }

        OffboardingReport? report = run.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? run.ReadOutputAs<OffboardingReport>() : run.ReadCustomStatusAs<OffboardingReport>();
        string status = run.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => report?.Complete == true ? "completed" : "incomplete",
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => "failed",
            _ => "running",
        };
        return ApiJson.Json(new { customerTenantId = customer, status, dryRun = false, mode = report?.Mode, consent = report?.Consent, relationships = report?.Relationships ?? [], failure = run.FailureDetails?.ErrorMessage });
    }

    static IResult DryRun(OffboardingPlan plan, IReadOnlyList<RelationshipSnapshot> held, CustomerRecord booked)
    {
        string would = plan.Mode == OffboardingMode.TerminateRelationships ? RelationshipEndingOutcomes.WouldTerminate : RelationshipEndingOutcomes.WouldRemoveAccess;
        EndedRelationship[] results = [.. held.Select(r => RelationshipEnding.LeftAlone(plan.Target(r.Id), r) ?? new EndedRelationship(r.Id, r.DisplayName, would, string.Empty))];
        return ApiJson.Json(new
        {
            customerTenantId = plan.CustomerTenantId,
            name = booked.Name,
            dryRun = true,
            mode = plan.Mode,
            consent = plan.RemoveConsent ? ConsentRemovalOutcomes.WouldRemove : ConsentRemovalOutcomes.Kept,
            relationships = results,
        });
    }

    async Task<IResult> StartAsync(OffboardingPlan plan, string tenantId, HttpRequest request)
    {
        // One run per customer at a time.
        await RunStatuses.StartUnlessLiveAsync(client, OffboardCustomerOrchestrator.Name, plan, this.RunId(plan.CustomerTenantId), request.HttpContext.RequestAborted);

        string location = $"/api/customers/{tenantId}/offboarding";
        request.HttpContext.Response.Headers.Location = location;
        request.HttpContext.Response.Headers.RetryAfter = api.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiJson.Json(new { customerTenantId = plan.CustomerTenantId, status = "running", dryRun = false, statusUrl = location }, StatusCodes.Status202Accepted);
    }

    string RunId(Guid customer) => $"offboard-{partner.Id:N}-{customer:N}";

    /// <summary>The request body.</summary>
    /// <param name="DryRun">List what would be done and change nothing; true unless false is sent.</param>
    /// <param name="Mode"><c>terminateRelationships</c> (default) or <c>removeAccessAssignments</c>.</param>
    /// <param name="RemoveConsent">Remove the application's consent from the customer tenant; true unless false is sent.</param>
    /// <param name="Reason">Why, for the audit trails.</param>
    public sealed record OffboardBody(bool? DryRun = null, string? Mode = null, bool? RemoveConsent = null, string? Reason = null)
    {
        /// <summary>The mode, and the problems found reading the body.</summary>
        public (OffboardingMode Mode, Dictionary<string, string[]> Errors) Read()
        {
            Dictionary<string, string[]> errors = [];
            OffboardingMode[] modes = Enum.GetValues<OffboardingMode>();
            OffboardingMode? mode = this.Mode is null ? OffboardingMode.TerminateRelationships : modes.Where(m => WireName.Of(m) == this.Mode).Cast<OffboardingMode?>().FirstOrDefault();
            if (mode is null)
            {
                errors["mode"] = [$"'{this.Mode}' is not a mode: use {string.Join(" or ", modes.Select(m => WireName.Of(m)))}."];
            }

            if (this.Reason is { Length: > MaxReasonLength })
            {
                errors["reason"] = [$"The reason must be at most {MaxReasonLength} characters."];
            }
            else if (this.Reason is { } reason && DisplayText.FirstHiddenCharacter(reason) is { } hidden)
            {
                errors["reason"] = [$"The reason contains {hidden}, a control, format or bidirectional character that does not show: remove it."];
            }

            return (mode ?? OffboardingMode.TerminateRelationships, errors);
        }
    }
}
