using BundleFunctions.Onboarding;

namespace BundleFunctions.Core.Tests.Onboarding;

public sealed class OnboardingRecordTests
{
    static readonly OnboardingSubject Subject = new("onb-1", Guid.NewGuid(), Guid.NewGuid(), "Contoso", null);
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    static StepRecord StepOf(OnboardingRecord record, OnboardingStep step) => record.Steps.Single(s => s.Step == step);

    [Fact]
    public void A_new_onboarding_is_queued_with_all_eleven_steps_pending()
    {
        OnboardingRecord record = OnboardingRecord.New(Subject, T0);
        Assert.Equal(OnboardingStatus.Queued, record.Status);
        Assert.Equal(Shield.None, record.Shield);
        Assert.Equal(11, record.Steps.Count);
        Assert.All(record.Steps, s => Assert.Equal(StepStatus.Pending, s.Status));
    }

    [Fact]
    public void Starting_a_step_counts_an_attempt_and_stamps_the_start()
    {
        (OnboardingRecord record, AuditLine? audit) = OnboardingRecord.New(Subject, T0)
            .Apply(new ProgressUpdate(Subject, OnboardingStep.Validate, StepStatus.Running, Status: OnboardingStatus.Running, AttemptKey: "a1"), T0);

        StepRecord step = StepOf(record, OnboardingStep.Validate);
        Assert.Equal((StepStatus.Running, 1, T0), (step.Status, step.Attempts, step.StartedAt!.Value));
        Assert.Equal(OnboardingStatus.Running, record.Status);
        Assert.Equal("Validate Running, onboarding Running", audit!.What);
    }

    [Fact]
    public void A_redelivered_start_with_the_same_attempt_key_changes_nothing()
    {
        ProgressUpdate start = new(Subject, OnboardingStep.Validate, StepStatus.Running, AttemptKey: "a1");
        OnboardingRecord once = OnboardingRecord.New(Subject, T0).Apply(start, T0).Record;

        (OnboardingRecord twice, AuditLine? audit) = once.Apply(start, T0.AddSeconds(1));

        Assert.Same(once, twice);
        Assert.Null(audit);
    }

    [Fact]
    public void A_new_attempt_key_counts_a_second_attempt()
    {
        OnboardingRecord record = OnboardingRecord.New(Subject, T0)
            .Apply(new ProgressUpdate(Subject, OnboardingStep.CreateRelationship, StepStatus.Running, AttemptKey: "a1"), T0).Record
            .Apply(new ProgressUpdate(Subject, OnboardingStep.CreateRelationship, StepStatus.Failed, "boom"), T0).Record
            .Apply(new ProgressUpdate(Subject, OnboardingStep.CreateRelationship, StepStatus.Running, AttemptKey: "a2"), T0.AddMinutes(1)).Record;

        StepRecord step = StepOf(record, OnboardingStep.CreateRelationship);
        Assert.Equal((2, StepStatus.Running, (DateTimeOffset?)null), (step.Attempts, step.Status, step.CompletedAt));
    }

    [Fact]
    public void Completing_a_step_stamps_the_end_and_keeps_the_message()
    {
        OnboardingRecord record = OnboardingRecord.New(Subject, T0)
            .Apply(new ProgressUpdate(Subject, OnboardingStep.PublishInvitation, StepStatus.Running, AttemptKey: "a"), T0).Record
            .Apply(new ProgressUpdate(Subject, OnboardingStep.PublishInvitation, StepStatus.Succeeded, "link ready", InvitationUrl: new Uri("https://x/y")), T0.AddSeconds(2)).Record;

        StepRecord step = StepOf(record, OnboardingStep.PublishInvitation);
        Assert.Equal((StepStatus.Succeeded, T0.AddSeconds(2), "link ready"), (step.Status, step.CompletedAt!.Value, step.Message));
        Assert.Equal(new Uri("https://x/y"), record.InvitationUrl);
        Assert.Equal(OnboardingStep.PublishInvitation, record.CurrentStep);
    }

    [Fact]
    public void A_restart_begins_a_new_run_and_keeps_only_the_customers_shield()
    {
        OnboardingRecord ended = OnboardingRecord.New(Subject, T0)
            .Apply(new ProgressUpdate(Subject, OnboardingStep.VerifyAccess, StepStatus.Succeeded, Status: OnboardingStatus.Succeeded, Shield: Shield.Green, RelationshipId: "a-b"), T0).Record;

        (OnboardingRecord restarted, AuditLine? audit) = ended.Apply(new ProgressUpdate(Subject, Actor: "jane", Restart: true), T0.AddDays(1));

        Assert.Equal((OnboardingStatus.Queued, Shield.Green, (string?)null, T0), (restarted.Status, restarted.Shield, restarted.RelationshipId, restarted.CreatedAt));
        Assert.All(restarted.Steps, s => Assert.Equal((StepStatus.Pending, 0), (s.Status, s.Attempts)));
        Assert.Equal(("onboarding restarted", "jane"), (audit!.What, audit.Actor));
    }

    [Fact]
    public void A_note_without_a_step_is_audited_as_a_note()
    {
        (_, AuditLine? audit) = OnboardingRecord.New(Subject, T0).Apply(new ProgressUpdate(Subject, Message: "retry requested"), T0);
        Assert.Equal(new AuditLine(T0, "note", "retry requested"), audit);
    }
}
