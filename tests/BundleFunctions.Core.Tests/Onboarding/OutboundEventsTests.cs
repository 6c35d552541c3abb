using BundleFunctions.Onboarding;

namespace BundleFunctions.Core.Tests.Onboarding;

public sealed class OutboundEventsTests
{
    static readonly OnboardingSubject Subject = new("onb-1", Guid.NewGuid(), Guid.NewGuid(), "Contoso", "PSA-9");
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    static OnboardingRecord After(OnboardingRecord before, ProgressUpdate update) => before.Apply(update, T0).Record;

    [Fact]
    public void A_new_onboarding_announces_that_it_started()
    {
        OnboardingRecord created = OnboardingRecord.New(Subject, T0);

        OutboundEvent started = Assert.Single(OutboundEvents.Between(null, created, T0));

        Assert.Equal((OutboundEvents.Started, "onb-1", "PSA-9"), (started.Type, started.OnboardingId, started.Data["organizationId"]));
    }

    [Fact]
    public void The_approval_link_is_announced_once()
    {
        OnboardingRecord before = OnboardingRecord.New(Subject, T0);
        OnboardingRecord after = After(before, new ProgressUpdate(Subject, OnboardingStep.PublishInvitation, StepStatus.Succeeded, RelationshipId: "a-b", InvitationUrl: new Uri("https://admin.microsoft.com/x")));

        OutboundEvent ready = Assert.Single(OutboundEvents.Between(before, after, T0));

        Assert.Equal((OutboundEvents.InvitationReady, "https://admin.microsoft.com/x", "a-b"), (ready.Type, ready.Data["invitationUrl"], ready.Data["relationshipId"]));
        Assert.Empty(OutboundEvents.Between(after, After(after, new ProgressUpdate(Subject, Message: "note")), T0));
    }

    [Fact]
    public void Approval_is_announced_when_the_approval_step_succeeds()
    {
        OnboardingRecord before = OnboardingRecord.New(Subject, T0);

        IReadOnlyList<OutboundEvent> events = OutboundEvents.Between(before, After(before, new ProgressUpdate(Subject, OnboardingStep.AwaitCustomerApproval, StepStatus.Succeeded)), T0);

        Assert.Equal([OutboundEvents.Approved], events.Select(e => e.Type));
    }

    [Fact]
    public void A_failed_step_and_its_blue_shield_are_both_announced()
    {
        OnboardingRecord before = OnboardingRecord.New(Subject, T0);
        OnboardingRecord after = After(before, new ProgressUpdate(Subject, OnboardingStep.ConsentApplication, StepStatus.Failed, "Blocked by CA.", OnboardingStatus.Failed, Shield.Blue));

        IReadOnlyList<OutboundEvent> events = OutboundEvents.Between(before, after, T0);

        Assert.Equal([OutboundEvents.StepFailed, OutboundEvents.ShieldChanged], events.Select(e => e.Type));
        Assert.Equal(("ConsentApplication", "Blocked by CA."), (events[0].Data["step"], events[0].Data["message"]));
        Assert.Equal(("None", "Blue"), (events[1].Data["from"], events[1].Data["to"]));
    }

    [Fact]
    public void Completion_with_a_green_shield_is_announced()
    {
        OnboardingRecord before = OnboardingRecord.New(Subject, T0);

        IReadOnlyList<OutboundEvent> events = OutboundEvents.Between(before, After(before, new ProgressUpdate(Subject, OnboardingStep.VerifyAccess, StepStatus.Succeeded, Status: OnboardingStatus.Succeeded, Shield: Shield.Green)), T0);

        Assert.Equal([OutboundEvents.Completed, OutboundEvents.ShieldChanged], events.Select(e => e.Type));
    }
}
