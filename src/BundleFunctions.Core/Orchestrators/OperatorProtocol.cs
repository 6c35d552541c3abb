using BundleFunctions.Onboarding;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// The operator's say in a running onboarding: a cancel ends any wait; a refresh wakes a wait on Microsoft early (never a
/// Retry-After: no request goes out before Microsoft's time); after a failed step, a retry or refresh resumes at the step
/// the failure names, a refresh reruns consent and the access check, a cancel ends it, and without either it ends failed after <see cref="WorkflowSettings.OperatorDecisionTimeout"/>.
/// </summary>
internal sealed class OperatorProtocol(TaskOrchestrationContext context, WorkflowSettings settings, OnboardingJournal journal)
{
    static readonly AwaitedEvent Cancel = AwaitedEvent.Of<OperatorDecision>(OnboardingEvents.CancelRequested);
    static readonly AwaitedEvent Retry = AwaitedEvent.Of<OperatorDecision>(OnboardingEvents.RetryRequested);
    static readonly AwaitedEvent Refresh = AwaitedEvent.Of<OperatorDecision>(OnboardingEvents.RefreshRequested);

    /// <summary>The operator's cancel, for waits that also listen for other events.</summary>
    public static AwaitedEvent Cancelling => Cancel;

    /// <summary>
    /// Waits until <paramref name="until"/> on a durable timer, showing <paramref name="waitingFor"/>; a refresh ends the
    /// pause early where <paramref name="wakeOnRefresh"/>. Returns the outcome when the operator cancelled meanwhile.
    /// </summary>
    public async Task<OnboardingOutcome?> PauseAsync(DateTime until, string waitingFor, bool wakeOnRefresh)
    {
        journal.Show(OnboardingStatus.Running, waitingFor, until);
        Wakeup woke = await context.WhenFirstAsync(until, wakeOnRefresh ? [Cancel, Refresh] : [Cancel]);
        return woke.Is(Cancel) ? await this.CancelledAsync(woke.PayloadAs<OperatorDecision>()) : null;
    }

    /// <summary>
    /// Records <paramref name="failure"/> and waits for the operator: a retry returns what <paramref name="resume"/> makes
    /// of the step the failure names, a refresh what it makes of <see cref="OnboardingStep.ConsentApplication"/>; a cancel or the decision timeout ends the onboarding.
    /// </summary>
    public async Task<OnboardingOutcome> AfterFailureAsync(StepFailure failure, Func<OnboardingStep, OnboardingOutcome> resume)
    {
        OnboardingStep failed = journal.Step;
        await journal.FailAsync(failure.Message, failure.Shield);
        journal.Show(OnboardingStatus.Failed, "operator retry or cancel");

        Wakeup woke = await context.WhenFirstAsync(context.CurrentUtcDateTime + settings.Scaled(settings.OperatorDecisionTimeout), Retry, Refresh, Cancel);
        if (woke.AtDeadline)
        {
            return new OnboardingOutcome(OnboardingStatus.Failed, failure.Shield, failure.Message, failed);
        }

        OperatorDecision decision = woke.PayloadAs<OperatorDecision>();
        if (woke.Is(Cancel))
        {
            return await this.CancelledAsync(decision);
        }

        if (woke.Is(Refresh))
        {
            // The "blue shield" quick refresh, whatever step failed: consent again and recheck access. An MSP who fixed
            // things by hand (a CA exclusion, a group membership) gets the shield's truth without redoing earlier steps.
            await journal.RecordAsync(OnboardingStatus.Running, $"Refresh (consent and access check) requested by {decision.RequestedBy}.", decision.RequestedBy);
            return resume(OnboardingStep.ConsentApplication);
        }

        await journal.RecordAsync(OnboardingStatus.Running, $"Retry from {failure.ResumeAt} requested by {decision.RequestedBy}.", decision.RequestedBy);
        return resume(failure.ResumeAt);
    }

    /// <summary>Records the operator's cancel and returns the cancelled outcome.</summary>
    public async Task<OnboardingOutcome> CancelledAsync(OperatorDecision decision)
    {
        string message = $"Cancelled by {decision.RequestedBy} at step {journal.Step}.";
        await journal.RecordAsync(OnboardingStatus.Cancelled, message, decision.RequestedBy);
        journal.Show(OnboardingStatus.Cancelled);
        return new OnboardingOutcome(OnboardingStatus.Cancelled, Shield.None, message);
    }
}
