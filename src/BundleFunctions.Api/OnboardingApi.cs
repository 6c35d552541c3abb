using System.Text.Json;
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
/// <c>/api/onboardings</c>: start, read, list, cancel, retry, refresh (README, "HTTP API"). Bad input is a 400 problem listing
/// every violation, and nothing is started; the instance ID is derived from partner + customer, so a second start for a
/// customer being onboarded is a 409 naming the running one.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="api">API settings.</param>
/// <param name="workflow">Timings for new onboardings.</param>
/// <param name="partnerTenantId">The partner tenant this deployment serves.</param>
/// <param name="time">The clock.</param>
/// <param name="book">The customer book (its organization mapping is used when a start names none).</param>
/// <param name="readiness">The partner's readiness: consent for all customers is not sent while a blocking check fails.</param>
public sealed class OnboardingApi(DurableTaskClient client, IOnboardingStore store, ApiOptions api, WorkflowOptions workflow, PartnerTenant partnerTenantId, TimeProvider time, ICustomerBook book, IPartnerReadiness readiness)
{
    Guid Partner => partnerTenantId.Id;

    /// <summary><c>POST /api/onboardings</c>.</summary>
    public async Task<IResult> StartAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (StartOnboardingBody? body, IResult? bad) = await ReadBodyAsync<StartOnboardingBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        (OnboardingRequest? onboarding, Dictionary<string, string[]> errors) = body!.ToRequest();
        if (onboarding is not null)
        {
            // A field that could not even be read already has its message; the rules speak for the others.
            foreach (IGrouping<string, RuleViolation> field in onboarding.Validate().GroupBy(v => v.Field).Where(f => !errors.ContainsKey(f.Key)))
            {
                errors[field.Key] = [.. field.Select(v => v.Message)];
            }
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The onboarding request breaks the GDAP rules; nothing was started.");
        }

        return await this.StartValidAsync(onboarding!, request);
    }

    /// <summary>Starts an onboarding whose request passed <see cref="OnboardingRequest.Validate"/> (a start, a migration).</summary>
    /// <param name="onboarding">The request.</param>
    /// <param name="request">The HTTP request (its caller, its cancellation, its response headers).</param>
    /// <returns>202 with the status document, or 409 naming the onboarding already running.</returns>
    public async Task<IResult> StartValidAsync(OnboardingRequest onboarding, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(onboarding);
        ArgumentNullException.ThrowIfNull(request);
        CustomerRecord? booked = await book.GetAsync(this.Partner, onboarding.CustomerTenantId, request.HttpContext.RequestAborted);
        if (onboarding.OrganizationId is null && booked is { OrganizationId: { } mapped })
        {
            // The customer is mapped to a PSA/RMM organization: every event of this onboarding carries it.
            onboarding = onboarding with { OrganizationId = mapped };
        }

        string id = OnboardingId.For(this.Partner, onboarding.CustomerTenantId);
        bool ended = await this.RecordEndedAsync(id, request.HttpContext.RequestAborted);
        if (!await this.IsFreeForNewRunAsync(id, ended, request.HttpContext.RequestAborted))
        {
            return Conflict(id);
        }

        OnboardingSubject subject = onboarding.SubjectFor(id, this.Partner);
        if (ended)
        {
            // A new run for a customer onboarded before: its status must describe this run, not the last one.
            string by = RequestedBy(request);
            await store.ApplyAsync(new ProgressUpdate(subject, Message: "A new onboarding run was started.", Actor: by, Restart: true), time.GetUtcNow(), request.HttpContext.RequestAborted);
        }

        if (booked?.Offboarding is not null)
        {
            // Managed again: the book no longer calls it offboarded.
            await book.SetOffboardingAsync(this.Partner, onboarding.CustomerTenantId, null, request.HttpContext.RequestAborted);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OnboardCustomerOrchestrator.Name,
                new OnboardingInput(subject, onboarding, workflow.ToSettings()),
                new StartOrchestrationOptions { InstanceId = id }.WithDedupeStatuses(RunStatuses.Live),
                request.HttpContext.RequestAborted);
        }
        catch (Grpc.Core.RpcException race) when (race.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            // Two starts raced past the check above: the deterministic ID lets only one through.
            return Conflict(id);
        }

        OnboardingRecord queued = await store.GetAsync(this.Partner, id, default) ?? OnboardingRecord.New(subject, time.GetUtcNow());
        request.HttpContext.Response.Headers.Location = $"/api/onboardings/{id}";
        request.HttpContext.Response.Headers.RetryAfter = api.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiJson.Json(OnboardingStatusDocument.From(queued), StatusCodes.Status202Accepted);
    }

    /// <summary>Whether the customer's onboarding is still running; one that recorded its end is given <see cref="ApiOptions.FinishingGrace"/> to complete.</summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True while it runs.</returns>
    public async Task<bool> IsRunningAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        string id = OnboardingId.For(this.Partner, customerTenantId);
        return !await this.IsFreeForNewRunAsync(id, await this.RecordEndedAsync(id, cancellationToken), cancellationToken);
    }

    /// <summary>Whether the onboarding's record says its run ended (succeeded, failed or cancelled).</summary>
    async Task<bool> RecordEndedAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(this.Partner, id, cancellationToken) is { Status: OnboardingStatus.Succeeded or OnboardingStatus.Failed or OnboardingStatus.Cancelled };

    /// <summary>
    /// Whether no run of this onboarding is live. The orchestration records its end (say "cancelled") one turn before
    /// its instance completes; a caller who saw that status and starts again must not get a 409, so a run whose record
    /// has ended is given <see cref="ApiOptions.FinishingGrace"/> to complete.
    /// </summary>
    async Task<bool> IsFreeForNewRunAsync(string id, bool recordEnded, CancellationToken cancellationToken)
    {
        OrchestrationMetadata? instance = await client.GetInstanceAsync(id, cancellationToken);
        if (instance is null || !RunStatuses.Live.Contains(instance.RuntimeStatus))
        {
            return true;
        }

        if (!recordEnded)
        {
            return false;
        }

        using CancellationTokenSource grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(api.FinishingGrace);
        try
        {
            await client.WaitForInstanceCompletionAsync(id, grace.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary><c>GET /api/onboardings/{id}</c>. Just after a start the first row is not written yet: the instance answers "queued".</summary>
    public async Task<IResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!this.IsOurs(id))
        {
            return NotFound(id);
        }

        if (await store.GetAsync(this.Partner, id, cancellationToken) is { } record)
        {
            return ApiJson.Json(OnboardingStatusDocument.From(record));
        }

        OrchestrationMetadata? instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        return instance?.ReadInputAs<OnboardingInput>() is { } input
            ? ApiJson.Json(OnboardingStatusDocument.From(OnboardingRecord.New(input.Subject, instance.CreatedAt)))
            : NotFound(id);
    }

    /// <summary><c>GET /api/onboardings?status=&amp;customerTenantId=&amp;top=&amp;continuationToken=</c>: one page (at most 100), filtered in the store; the next page in the <c>Link</c> header.</summary>
    public async Task<IResult> ListAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (OnboardingStatus? status, IResult? badStatus) = PageRequest.Filter<OnboardingStatus>(request, "status", "Unknown status.");
        if (badStatus is not null)
        {
            return badStatus;
        }

        Guid? customer = null;
        if (request.Query["customerTenantId"].FirstOrDefault() is { Length: > 0 } tenant)
        {
            if (!Guid.TryParse(tenant, out Guid parsed))
            {
                return ApiJson.Problem(400, "customerTenantId must be a GUID.");
            }

            customer = parsed;
        }

        return await PageRequest.ServeAsync(request, async asked =>
        {
            OnboardingPage page = await store.ListPageAsync(this.Partner, new OnboardingQuery(status, customer, asked.Top, asked.After), request.HttpContext.RequestAborted);
            return ((IReadOnlyList<OnboardingStatusDocument>)[.. page.Records.Select(OnboardingStatusDocument.From)], page.ContinuationToken);
        });
    }

    /// <summary>
    /// <c>GET /api/onboardings/{id}/audit?top=&amp;continuationToken=</c>: who changed what and when, oldest first, a page at
    /// a time; the next page in the <c>Link</c> header.
    /// </summary>
    public async Task<IResult> AuditAsync(string id, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (PageRequest? asked, IResult? badPage) = PageRequest.Read(request);
        if (badPage is not null)
        {
            return badPage;
        }

        if (!this.IsOurs(id) || await store.GetAsync(this.Partner, id, request.HttpContext.RequestAborted) is null)
        {
            return NotFound(id);
        }

        IReadOnlyList<AuditLine> trail = await store.GetAuditTrailAsync(this.Partner, id, request.HttpContext.RequestAborted);
        int skip = 0;
        if (asked!.After is { } after && (!int.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip) || skip > trail.Count))
        {
            return PageRequest.ForeignToken;
        }

        if (skip + asked.Top < trail.Count)
        {
            PageRequest.AnnounceNext(request, (skip + asked.Top).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return ApiJson.Json(trail.Skip(skip).Take(asked.Top).Select(l => new { at = l.At, what = l.What, message = l.Message, actor = l.Actor }).ToArray());
    }

    /// <summary><c>POST /api/onboardings/{id}/cancel|retry|refresh</c>: raises the operator's decision on the running onboarding.</summary>
    public async Task<IResult> DecideAsync(string id, string eventName, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!this.IsOurs(id))
        {
            return NotFound(id);
        }

        OrchestrationMetadata? instance = await client.GetInstanceAsync(id, request.HttpContext.RequestAborted);
        if (instance is null)
        {
            return NotFound(id);
        }

        string by = RequestedBy(request);

        // A run that succeeded or was cancelled records so one turn before its instance completes: a decision sent in that
        // moment would be raised on a run that no longer listens, so it is given the finishing grace, then taken as ended.
        OnboardingRecord? current = await store.GetAsync(this.Partner, id, request.HttpContext.RequestAborted);
        bool recordEnded = current is { Status: OnboardingStatus.Succeeded or OnboardingStatus.Cancelled };
        if (!RunStatuses.Live.Contains(instance.RuntimeStatus) || (recordEnded && await this.IsFreeForNewRunAsync(id, recordEnded, request.HttpContext.RequestAborted)))
        {
            // An ended run wrote its last row before it ended: the row read above is final.
            return eventName == OnboardingEvents.RefreshRequested && current is { RelationshipId: not null } ended
                ? await this.RefreshEndedAsync(ended, by, request)
                : ApiJson.Problem(409, "The onboarding has ended.", "Start a new onboarding for this customer instead (POST /api/onboardings); refresh works on an ended onboarding that has a relationship.", new Dictionary<string, object?> { ["id"] = id });
        }

        await client.RaiseEventAsync(id, eventName, new OperatorDecision(by), request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.Location = $"/api/onboardings/{id}";
        return await store.GetAsync(this.Partner, id, default) is { } record
            ? ApiJson.Json(OnboardingStatusDocument.From(record), StatusCodes.Status202Accepted)
            : Results.Accepted($"/api/onboardings/{id}");
    }

    /// <summary>
    /// The quick refresh of an ended onboarding (succeeded, failed or turned blue later): a new run that consents again and
    /// rechecks access with the roles the onboarding asked for, on the same instance ID, keeping the step history.
    /// </summary>
    async Task<IResult> RefreshEndedAsync(OnboardingRecord ended, string by, HttpRequest request)
    {
        OnboardingSubject subject = ended.Subject;
        if (!await this.StartRefreshAsync(ended, by, request.HttpContext.RequestAborted))
        {
            return Conflict(subject.OnboardingId);
        }

        request.HttpContext.Response.Headers.Location = $"/api/onboardings/{subject.OnboardingId}";
        return ApiJson.Json(OnboardingStatusDocument.From(await store.GetAsync(this.Partner, subject.OnboardingId, default) ?? ended), StatusCodes.Status202Accepted);
    }

    /// <summary>Starts the refresh run of an ended onboarding; false when a run started meanwhile.</summary>
    async Task<bool> StartRefreshAsync(OnboardingRecord ended, string by, CancellationToken cancellationToken)
    {
        OnboardingSubject subject = ended.Subject;
        await store.ApplyAsync(
            new ProgressUpdate(subject, Status: OnboardingStatus.Running, Message: subject.Path == OnboardingPath.EnterpriseApp ? $"Refresh requested by {by}: the app-only access check runs again." : $"Refresh requested by {by}: consent and the access check run again.", Actor: by),
            time.GetUtcNow(),
            cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OnboardCustomerOrchestrator.Name,
                new OnboardingInput(
                    subject,
                    new OnboardingRequest(subject.CustomerTenantId, subject.CustomerName, OrganizationId: subject.OrganizationId, Roles: subject.RoleTemplateIds, Path: subject.Path),
                    workflow.ToSettings(),
                    ResumeFrom: OnboardingStep.ConsentApplication,
                    Progress: new OnboardingProgress(RelationshipId: ended.RelationshipId)),
                new StartOrchestrationOptions { InstanceId = subject.OnboardingId }.WithDedupeStatuses(RunStatuses.Live),
                cancellationToken);
            return true;
        }
        catch (Grpc.Core.RpcException race) when (race.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>POST /api/onboardings/consent-all</c>: the bundle's "consent for all customers" — every onboarding that succeeded gets
    /// the quick refresh (consent again, then the access check), for example after the app's permissions changed. An
    /// onboarding that has not succeeded is reported with where it stands, not attempted. A dry run (what would be
    /// refreshed) unless the body says <c>"dryRun": false</c>.
    /// </summary>
    public async Task<IResult> ConsentAllAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (ConsentAllBody? body, IResult? bad) = await ReadBodyAsync<ConsentAllBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        bool dryRun = body!.DryRun ?? true;
        if (!dryRun && await ReadinessApi.RefusalAsync(readiness, request.HttpContext.RequestAborted) is { } notReady)
        {
            // Each refresh would stop at its consent step, naming the same check: one answer instead of a book of failures.
            return notReady;
        }

        string by = RequestedBy(request);
        List<ConsentAllResult> customers = [];
        foreach (OnboardingRecord record in (await store.ListAsync(this.Partner, request.HttpContext.RequestAborted)).OrderBy(r => r.Subject.OnboardingId, StringComparer.Ordinal))
        {
            string? notAttempted = record switch
            {
                { Subject.Path: OnboardingPath.EnterpriseApp } => "It is managed through the enterprise app, which Partner Center does not consent: "
                    + "start its onboarding again for a new admin-consent link, which its Global Administrator accepts.",
                { Status: OnboardingStatus.Succeeded, RelationshipId: not null } => null,
                { Status: OnboardingStatus.Failed } => $"Its onboarding failed at {WireName.Of(record.CurrentStep)}: retry or refresh it on its own.",
                { Status: OnboardingStatus.Cancelled } => "Its onboarding was cancelled: start a new one.",
                _ => $"Its onboarding is not complete ({WireName.Of(record.Status)} at {WireName.Of(record.CurrentStep)}): it consents when it gets there.",
            };
            OrchestrationMetadata? instance = notAttempted is null ? await client.GetInstanceAsync(record.Subject.OnboardingId, request.HttpContext.RequestAborted) : null;
            if (notAttempted is null && instance is not null && RunStatuses.Live.Contains(instance.RuntimeStatus))
            {
                notAttempted = "A run of its onboarding is still going (a refresh, or its last turn): it was left alone.";
            }

            bool started = notAttempted is null && (dryRun || await this.StartRefreshAsync(record, by, request.HttpContext.RequestAborted));
            customers.Add(new ConsentAllResult(
                record.Subject.CustomerTenantId,
                record.Subject.OnboardingId,
                !started ? "notAttempted" : dryRun ? "wouldRefresh" : "refreshStarted",
                started ? null : notAttempted ?? "A run of its onboarding started meanwhile: it was left alone."));
        }

        int refreshed = customers.Count(c => c.Outcome != "notAttempted");
        return ApiJson.Json(new { dryRun, total = customers.Count, refreshed, notAttempted = customers.Count - refreshed, customers });
    }

    /// <summary>Reads a JSON body of at most <paramref name="maxBytes"/>; a problem result when it is too large or not JSON.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, int maxBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (null, ApiJson.Problem(413, "The request body is too large.", $"At most {maxBytes} bytes are accepted."));
        }

        byte[]? bytes = await ReadAtMostAsync(request.Body, maxBytes, request.HttpContext.RequestAborted);
        if (bytes is null)
        {
            return (null, ApiJson.Problem(413, "The request body is too large.", $"At most {maxBytes} bytes are accepted."));
        }

        try
        {
            T? body = JsonSerializer.Deserialize<T>(bytes, ApiJson.RequestOptions);
            return body is null ? (null, ApiJson.Problem(400, "The request body is empty.")) : (body, null);
        }
        catch (JsonException unknown) when (unknown.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return (null, ApiJson.Problem(400, "The request body has a field this endpoint does not take; nothing was changed.", unknown.Message));
        }
        catch (JsonException malformed)
        {
            return (null, ApiJson.Problem(400, "The request body is not valid JSON.", malformed.Message));
        }
    }

    /// <summary>The whole body, or null when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using MemoryStream buffer = new();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Who asked, for the audit trail: the signed-in caller, or the function key (<see cref="ApiAccess.CallerOf"/>).</summary>
    static string RequestedBy(HttpRequest request) => ApiAccess.CallerOf(request.HttpContext).Name;

    bool IsOurs(string id) => OnboardingId.TryParse(id, out Guid partner, out _) && partner == this.Partner;

    static IResult NotFound(string id) => ApiJson.Problem(404, "No such onboarding.", $"There is no onboarding '{id}'.");

    static IResult Conflict(string id) => ApiJson.Problem(
        409, "This customer is already being onboarded.", $"Onboarding '{id}' is in progress; follow it at /api/onboardings/{id}.", new Dictionary<string, object?> { ["id"] = id });
}

/// <summary>The body of <c>POST /api/onboardings/consent-all</c>.</summary>
/// <param name="DryRun">False to act; a dry run otherwise.</param>
public sealed record ConsentAllBody(bool? DryRun = null);

/// <summary>One customer's line in the answer of <c>POST /api/onboardings/consent-all</c>.</summary>
/// <param name="CustomerTenantId">The customer.</param>
/// <param name="OnboardingId">Its onboarding.</param>
/// <param name="Outcome"><c>refreshStarted</c>, <c>wouldRefresh</c> (dry run) or <c>notAttempted</c>.</param>
/// <param name="Reason">Why it was not attempted.</param>
public sealed record ConsentAllResult(Guid CustomerTenantId, string OnboardingId, string Outcome, string? Reason);
