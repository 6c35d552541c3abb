using System.Security.Cryptography;
using System.Text;
using BundleFunctions.Batches;
using BundleFunctions.Customers;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// <c>/api/onboarding-batches</c>: onboard many customers at once (README, "Onboarding batches"). A batch names its customers
/// or a verdict of the customer book; a covered customer's relationship is adopted. With <c>"migrate": true</c> each
/// customer's legacy relationships (the book's) are replaced — ended once its new access is green — and the request is a
/// dry run unless <c>"dryRun": false</c>. The batch ID is derived from the partner, the customers and the migration flag,
/// so submitting the same batch again joins it instead of starting anything twice.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="book">The customer book.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="api">API settings.</param>
/// <param name="workflow">Batch pacing.</param>
/// <param name="partner">The partner tenant.</param>
/// <param name="readiness">The partner's readiness: a batch does not start while a blocking check fails.</param>
public sealed class OnboardingBatchApi(DurableTaskClient client, ICustomerBook book, IOnboardingStore store, ApiOptions api, WorkflowOptions workflow, PartnerTenant partner, IPartnerReadiness readiness)
{
    /// <summary>The most customers one batch takes.</summary>
    public const int MaxCustomers = 1000;

    /// <summary><c>POST /api/onboarding-batches</c>.</summary>
    public async Task<IResult> StartAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (BatchBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<BatchBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        (List<OnboardingRequest>? requests, Dictionary<string, string[]> errors) = await this.RequestsOfAsync(body!, request.HttpContext.RequestAborted);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The batch cannot start; nothing was started.");
        }

        if (body!.DryRun ?? body.Migrate == true)
        {
            return ApiJson.Json(new { dryRun = true, total = requests!.Count, customers = requests.Select(Planned) });
        }

        string id = this.BatchId(requests!, body.Migrate == true);
        if (await client.GetInstanceAsync(id, request.HttpContext.RequestAborted) is not null)
        {
            // The same customers again: the batch that has (or had) them answers, and nothing is started twice.
            request.HttpContext.Response.Headers.Location = $"/api/onboarding-batches/{id}";
            return await this.GetAsync(id, request.HttpContext.RequestAborted);
        }

        if (await ReadinessApi.RefusalAsync(readiness, request.HttpContext.RequestAborted) is { } notReady)
        {
            // Every onboarding would stop at its first Microsoft step: a thousand failed runs to retry instead of one answer.
            return notReady;
        }

        request.HttpContext.Response.Headers.Location = $"/api/onboarding-batches/{id}";

        OnboardingBatchInput input = new(partner.Id, requests!, workflow.BatchConcurrency, workflow.BatchPoll, ApiAccess.CallerOf(request.HttpContext).Name);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(OnboardingBatchOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = id }, request.HttpContext.RequestAborted);
        }
        catch (Grpc.Core.RpcException race) when (race.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            return await this.GetAsync(id, request.HttpContext.RequestAborted);
        }

        return ApiJson.Json(new { id, status = "running", total = requests!.Count }, StatusCodes.Status202Accepted);
    }

    /// <summary><c>GET /api/onboarding-batches/{id}</c>: the batch's progress, and its customers' onboardings counted by status and shield.</summary>
    public async Task<IResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsBatchId(id) || await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) is not { } instance || instance.ReadInputAs<OnboardingBatchInput>() is not { } input || input.PartnerTenantId != partner.Id)
        {
            return ApiJson.Problem(404, "No such onboarding batch.", $"There is no onboarding batch '{id}'.");
        }

        OnboardingBatchReport? report = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<OnboardingBatchReport>() : null;
        OnboardingBatchProgress? progress = instance.ReadCustomStatusAs<OnboardingBatchProgress>();
        HashSet<string> ids = [.. input.Requests.Select(r => OnboardingId.For(partner.Id, r.CustomerTenantId))];
        Dictionary<string, OnboardingRecord> onboardings = (await store.ListAsync(partner.Id, cancellationToken)).Where(r => ids.Contains(r.Subject.OnboardingId)).ToDictionary(r => r.Subject.OnboardingId);
        Dictionary<Guid, BatchItemResult> results = (report?.Results ?? []).ToDictionary(r => r.CustomerTenantId);
        return ApiJson.Json(new
        {
            id,
            status = report is null ? (RunStatuses.Live.Contains(instance.RuntimeStatus) ? "running" : WireName.Of(instance.RuntimeStatus)) : report.Cancelled ? "cancelled" : "completed",
            total = input.Requests.Count,
            started = report?.Results.Count(r => r.Outcome == BatchItemOutcome.Started) ?? progress?.Started ?? 0,
            alreadyHadOnboarding = report?.Results.Count(r => r.Outcome == BatchItemOutcome.AlreadyHadOnboarding) ?? progress?.AlreadyHadOnboarding ?? 0,
            notReached = report?.Results.Count(r => r.Outcome == BatchItemOutcome.Pending) ?? progress?.Pending ?? input.Requests.Count,
            byStatus = onboardings.Values.GroupBy(o => WireName.Of(o.Status)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            byShield = onboardings.Values.GroupBy(o => WireName.Of(o.Shield)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            customers = input.Requests.Select(r =>
            {
                string onboardingId = OnboardingId.For(partner.Id, r.CustomerTenantId);
                onboardings.TryGetValue(onboardingId, out OnboardingRecord? onboarding);
                results.TryGetValue(r.CustomerTenantId, out BatchItemResult? result);
                return new
                {
                    customerTenantId = r.CustomerTenantId,
                    customerName = r.CustomerName,
                    adopts = r.AdoptRelationshipId,
                    replaces = r.ReplacesRelationshipIds,
                    outcome = result is null ? null : WireName.Of(result.Outcome),
                    message = result?.Message,
                    onboarding = $"/api/onboardings/{onboardingId}",
                    status = onboarding is null ? null : WireName.Of(onboarding.Status),
                    shield = onboarding is null ? null : WireName.Of(onboarding.Shield),
                };
            }),
        });
    }

    /// <summary><c>POST /api/onboarding-batches/{id}/cancel</c>: admits no more customers; the onboardings already started go on.</summary>
    public async Task<IResult> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsBatchId(id) || await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) is not { } instance || instance.ReadInputAs<OnboardingBatchInput>()?.PartnerTenantId != partner.Id)
        {
            return ApiJson.Problem(404, "No such onboarding batch.", $"There is no onboarding batch '{id}'.");
        }

        if (!RunStatuses.Live.Contains(instance.RuntimeStatus))
        {
            return ApiJson.Problem(409, "This batch has ended.", "Every customer was admitted (or it was cancelled before); cancel single onboardings at /api/onboardings/{id}/cancel.");
        }

        await client.RaiseEventAsync(id, OnboardingBatchOrchestrator.CancelEvent, "cancel", cancellationToken);
        return ApiJson.Json(new { id, status = "cancelling" }, StatusCodes.Status202Accepted);
    }

    async Task<(List<OnboardingRequest>? Requests, Dictionary<string, string[]> Errors)> RequestsOfAsync(BatchBody body, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = [];
        if ((body.Customers is null) == (body.Verdict is null))
        {
            errors["customers"] = ["Name the customers, or a verdict of the customer book (\"verdict\": \"covered\" or \"needsNewRelationship\"), not both."];
            return (null, errors);
        }

        List<OnboardingRequest> requests = [];
        if (body.Verdict is { } wanted)
        {
            if (!Enum.TryParse(wanted, ignoreCase: true, out CustomerVerdict verdict) || int.TryParse(wanted, out _) || verdict == CustomerVerdict.Onboarding)
            {
                errors["verdict"] = ["verdict must be covered or needsNewRelationship (customers with an onboarding already have one)."];
                return (null, errors);
            }

            string? after = null;
            do
            {
                CustomerPage page = await book.ListPageAsync(partner.Id, new CustomerQuery(verdict, null, OnboardingQuery.MaxTop, after), cancellationToken);
                requests.AddRange(page.Customers.Select(c => RequestFor(c.TenantId, c.Name, c, body.Migrate == true)));
                after = page.ContinuationToken;
            }
            while (after is not null);

            if (requests.Count == 0)
            {
                errors["verdict"] = [$"No customer in the customer book is {wanted}: import it first (POST /api/customers/import)."];
            }
        }
        else
        {
            for (int i = 0; i < body.Customers!.Count; i++)
            {
                BatchCustomer line = body.Customers[i];
                CustomerRecord? known = line.CustomerTenantId == Guid.Empty ? null : await book.GetAsync(partner.Id, line.CustomerTenantId, cancellationToken);
                string? problem = line.CustomerTenantId == Guid.Empty ? "customerTenantId is required."
                    : body.Customers.Take(i).Any(c => c.CustomerTenantId == line.CustomerTenantId) ? $"Customer {line.CustomerTenantId} is listed twice."
                    : known is null && string.IsNullOrWhiteSpace(line.CustomerName) ? $"Customer {line.CustomerTenantId} is not in the customer book: give its customerName, or import first."
                    : null;
                if (problem is not null)
                {
                    errors[$"customers[{i}]"] = [problem];
                    continue;
                }

                requests.Add(RequestFor(line.CustomerTenantId, line.CustomerName ?? known!.Name, known, body.Migrate == true, line.OrganizationId));
            }
        }

        if (requests.Count > MaxCustomers)
        {
            errors["customers"] = [$"A batch takes at most {MaxCustomers} customers; this one has {requests.Count}: split it."];
        }

        for (int i = 0; i < requests.Count && errors.Count == 0; i++)
        {
            foreach (IGrouping<string, RuleViolation> field in requests[i].Validate().GroupBy(v => v.Field))
            {
                errors[$"customers[{i}].{field.Key}"] = [.. field.Select(v => v.Message)];
            }
        }

        return (errors.Count == 0 ? requests : null, errors);
    }

    /// <summary>
    /// A covered customer's relationship is adopted; any other customer is asked for a new one. A migration replaces the
    /// customer's legacy relationships, as the book knows them (a covering one that grants Global Administrator is replaced,
    /// not adopted).
    /// </summary>
    static OnboardingRequest RequestFor(Guid tenant, string name, CustomerRecord? known, bool migrate, string? organizationId = null)
    {
        string[] legacy = migrate && known is not null
            ? [.. CustomerDiscovery.Legacy(known.Relationships, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]).Select(l => l.Relationship.Id)]
            : [];
        string? covering = known is { Verdict: CustomerVerdict.Covered } ? known.CoveringRelationshipId : null;
        return new(
            tenant,
            name,
            CustomerDomain: known?.Domain,
            OrganizationId: organizationId ?? known?.OrganizationId,
            AdoptRelationshipId: covering is not null && !legacy.Contains(covering) ? covering : null,
            ReplacesRelationshipIds: legacy.Length > 0 ? legacy : null);
    }

    /// <summary>A customer's line in a dry run.</summary>
    static object Planned(OnboardingRequest request) => new
    {
        customerTenantId = request.CustomerTenantId,
        customerName = request.CustomerName,
        adopts = request.AdoptRelationshipId,
        newRelationship = request.AdoptRelationshipId is null ? request.ToRelationshipRequest().DisplayName : null,
        replaces = request.ReplacesRelationshipIds ?? [],
    };

    /// <summary><c>batch-</c> and the first 32 hex digits of SHA-256 over the partner and the sorted customers.</summary>
    string BatchId(IEnumerable<OnboardingRequest> requests, bool migrate)
    {
        string customers = string.Join(",", requests.Select(r => r.CustomerTenantId.ToString("N")).Order(StringComparer.Ordinal));
        return "batch-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{partner.Id:N}|{customers}{(migrate ? "|migrate" : string.Empty)}")))[..32];
    }

    static bool IsBatchId(string id) => id.Length == 38 && id.StartsWith("batch-", StringComparison.Ordinal) && id[6..].All(char.IsAsciiHexDigitLower);

    /// <summary>The body of <c>POST /api/onboarding-batches</c>.</summary>
    /// <param name="Customers">The customers, or null when <paramref name="Verdict"/> chooses them.</param>
    /// <param name="Verdict">Every customer of the book with this verdict.</param>
    /// <param name="Migrate">Replace each customer's legacy relationships (Global Administrator, missing bundle roles) once its new access is green.</param>
    /// <param name="DryRun">List each customer's plan and start nothing; the default for a migration, not otherwise.</param>
    public sealed record BatchBody(IReadOnlyList<BatchCustomer>? Customers = null, string? Verdict = null, bool? Migrate = null, bool? DryRun = null);

    /// <summary>One customer of a batch.</summary>
    /// <param name="CustomerTenantId">The customer.</param>
    /// <param name="CustomerName">Its name; taken from the customer book when left out.</param>
    /// <param name="OrganizationId">Its PSA/RMM organization; the book's mapping when left out.</param>
    public sealed record BatchCustomer(Guid CustomerTenantId, string? CustomerName = null, string? OrganizationId = null);
}
