using BundleFunctions.Activities;
using BundleFunctions.Onboarding;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// What an onboarding tells the world as it goes: each step's attempt, notes and result in its progress row (written by
/// <see cref="RecordProgressActivity"/>), for whoever looks at the instance a small custom status, and for the host's
/// logs a line per step started, succeeded or failed and per operator decision, scoped by the onboarding's id and logged
/// once however often the orchestration replays. Never a secret. A step's completion is held back and written together with
/// whatever comes next (the next step's start, a note, a failure, the end): one activity per step instead of two, which is
/// a queue round trip and an orchestration episode fewer each time. Every path that ends or pauses an execution writes
/// first, so nothing held back is lost.
/// </summary>
internal sealed class OnboardingJournal(TaskOrchestrationContext context, OnboardingSubject subject, TaskOptions options, OnboardingStep step)
{
    readonly Dictionary<string, object> scope = new() { ["OnboardingId"] = subject.OnboardingId, ["CustomerTenantId"] = subject.CustomerTenantId };

    /// <summary>A completion not written yet: it goes with the next write.</summary>
    ProgressUpdate? heldBack;

    /// <summary>The step in progress.</summary>
    public OnboardingStep Step { get; private set; } = step;

    /// <summary>Starts an attempt of <paramref name="next"/>.</summary>
    public Task StartAsync(OnboardingStep next, OnboardingStatus status = OnboardingStatus.Running)
    {
        this.Step = next;
        this.Show(status);
        this.Log(LogLevel.Information, "Onboarding {OnboardingId}: step {Step} started.", subject.OnboardingId, next);

        // The attempt key makes a re-delivered "running" write count once; NewGuid is replay-safe.
        return this.RecordAsync(new ProgressUpdate(subject, next, StepStatus.Running, Status: status, AttemptKey: context.NewGuid().ToString("N")));
    }

    /// <summary>Moves to <paramref name="next"/> without counting an attempt: this execution continues a wait the attempt began.</summary>
    public void Resume(OnboardingStep next) => this.Step = next;

    /// <summary>A note on the attempt in progress (what it waits for, the shield meanwhile).</summary>
    public Task NoteAsync(string? message, Shield? shield = null) =>
        this.RecordAsync(new ProgressUpdate(subject, this.Step, StepStatus.Running, message, OnboardingStatus.Running, shield));

    /// <summary>
    /// The step in progress succeeded. Written with the next write, unless it changes the onboarding's status (the end):
    /// the next step starts at once, so nobody looks at the record in between.
    /// </summary>
    public Task CompleteAsync(string message, OnboardingStatus? status = null, Shield? shield = null, string? relationshipId = null, Uri? invitationUrl = null)
    {
        this.Log(LogLevel.Information, "Onboarding {OnboardingId}: step {Step} succeeded: {Message}", subject.OnboardingId, this.Step, message);

        ProgressUpdate completed = new(subject, this.Step, StepStatus.Succeeded, message, status, shield, relationshipId, invitationUrl);
        if ((status is null or OnboardingStatus.Running) && this.heldBack is null)
        {
            this.heldBack = completed;
            return Task.CompletedTask;
        }

        return this.RecordAsync(completed);
    }

    /// <summary>The step in progress failed; the onboarding's status becomes <paramref name="status"/>.</summary>
    public Task FailAsync(string message, Shield? shield, OnboardingStatus status = OnboardingStatus.Failed)
    {
        this.Log(LogLevel.Warning, "Onboarding {OnboardingId}: step {Step} failed: {Message}", subject.OnboardingId, this.Step, message);

        return this.RecordAsync(new ProgressUpdate(subject, this.Step, StepStatus.Failed, message, status, shield));
    }

    /// <summary>A change to the onboarding as a whole, by <paramref name="actor"/>.</summary>
    public Task RecordAsync(OnboardingStatus status, string message, string? actor = null, Shield? shield = null)
    {
        this.Log(LogLevel.Information, "Onboarding {OnboardingId}: {Status}: {Message}", subject.OnboardingId, status, message);

        return this.RecordAsync(new ProgressUpdate(subject, Status: status, Message: message, Shield: shield, Actor: actor));
    }

    /// <summary>Shows the onboarding's status on the instance, and what it waits for until when.</summary>
    public void Show(OnboardingStatus status, string? waitingFor = null, DateTime? deadlineUtc = null) =>
        context.SetCustomStatus(new OnboardingCustomStatus(this.Step, status, waitingFor, deadlineUtc));

    // Replay-safe: a line is written once, when the orchestration first reaches it, not again on every replay.
    void Log(LogLevel level, string message, params object?[] args)
    {
        ILogger logger = context.CreateReplaySafeLogger<OnboardCustomerOrchestrator>();
        using (logger.BeginScope(this.scope))
        {
#pragma warning disable CA2254 // The templates are the constants at the call sites.
            logger.Log(level, message, args);
#pragma warning restore CA2254
        }
    }

    Task RecordAsync(ProgressUpdate update)
    {
        ProgressUpdate[] updates = this.heldBack is { } held ? [held, update] : [update];
        this.heldBack = null;
        return context.CallActivityAsync<bool>(nameof(RecordProgressActivity), new ProgressUpdates(updates), options);
    }
}

/// <summary>The custom status an onboarding instance shows: small, and never a secret.</summary>
/// <param name="Step">The current step.</param>
/// <param name="Status">The onboarding status.</param>
/// <param name="WaitingFor">What it waits for, if it waits.</param>
/// <param name="DeadlineUtc">Until when it waits.</param>
public sealed record OnboardingCustomStatus(OnboardingStep Step, OnboardingStatus Status, string? WaitingFor, DateTime? DeadlineUtc);
