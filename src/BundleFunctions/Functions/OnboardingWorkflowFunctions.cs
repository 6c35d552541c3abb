using BundleFunctions.Activities;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace BundleFunctions.Functions;

/// <summary>
/// The onboarding workflow's orchestrator and activities as Azure Functions. Each is one line over the Core class, and
/// its function name is the name Core schedules it by.
/// </summary>
public static class OnboardingWorkflowFunctions
{
    [Function(OnboardCustomerOrchestrator.Name)]
    public static Task<OnboardingOutcome> OnboardCustomer([OrchestrationTrigger] TaskOrchestrationContext context, OnboardingInput input) =>
        new OnboardCustomerOrchestrator().RunAsync(context, input);

    [Function(nameof(RecordProgressActivity))]
    public static Task<bool> RecordProgress([ActivityTrigger] ProgressUpdate input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RecordProgressActivity, ProgressUpdate, bool>(function, input);

    [Function(nameof(EnsurePartnerGroupsActivity))]
    public static Task<PartnerGroupsSummary> EnsurePartnerGroups([ActivityTrigger] EnsurePartnerGroupsInput input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<EnsurePartnerGroupsActivity, EnsurePartnerGroupsInput, PartnerGroupsSummary>(function, input);

    [Function(nameof(CreateRelationshipActivity))]
    public static Task<RelationshipPlacement> CreateRelationship([ActivityTrigger] RelationshipRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<CreateRelationshipActivity, RelationshipRequest, RelationshipPlacement>(function, input);
}
