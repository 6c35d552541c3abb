using BundleFunctions.Activities;
using BundleFunctions.Batches;
using BundleFunctions.Gdap;
using BundleFunctions.Offboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

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
    public static Task<bool> RecordProgress([ActivityTrigger] ProgressUpdates input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RecordProgressActivity, ProgressUpdates, bool>(function, input);

    [Function(nameof(EnsurePartnerGroupsActivity))]
    public static Task<PartnerGroupsSummary> EnsurePartnerGroups([ActivityTrigger] PartnerGroupsRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<EnsurePartnerGroupsActivity, PartnerGroupsRequest, PartnerGroupsSummary>(function, input);

    [Function(nameof(CreateRelationshipActivity))]
    public static Task<RelationshipPlacement> CreateRelationship([ActivityTrigger] RelationshipPlacementRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<CreateRelationshipActivity, RelationshipPlacementRequest, RelationshipPlacement>(function, input);

    [Function(nameof(GetRelationshipActivity))]
    public static Task<RelationshipSnapshot?> GetRelationship([ActivityTrigger] string input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<GetRelationshipActivity, string, RelationshipSnapshot?>(function, input);

    [Function(nameof(CreateAccessAssignmentsActivity))]
    public static Task<AccessAssignmentSummary> CreateAccessAssignments([ActivityTrigger] AccessAssignmentPlan input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<CreateAccessAssignmentsActivity, AccessAssignmentPlan, AccessAssignmentSummary>(function, input);

    [Function(nameof(GetAccessAssignmentProgressActivity))]
    public static Task<AccessAssignmentProgress> GetAccessAssignmentProgress([ActivityTrigger] AccessAssignmentPlan input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<GetAccessAssignmentProgressActivity, AccessAssignmentPlan, AccessAssignmentProgress>(function, input);

    [Function(nameof(ConsentApplicationActivity))]
    public static Task<ConsentOutcome> ConsentApplication([ActivityTrigger] Guid input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<ConsentApplicationActivity, Guid, ConsentOutcome>(function, input);

    [Function(nameof(VerifyAccessActivity))]
    public static Task<AccessReport> VerifyAccess([ActivityTrigger] AccessProbeRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<VerifyAccessActivity, AccessProbeRequest, AccessReport>(function, input);

    [Function(nameof(PrepareAdminConsentLinkActivity))]
    public static Task<Uri> PrepareAdminConsentLink([ActivityTrigger] OnboardingSubject input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<PrepareAdminConsentLinkActivity, OnboardingSubject, Uri>(function, input);

    [Function(nameof(VerifyAppAccessActivity))]
    public static Task<AppAccessReport> VerifyAppAccess([ActivityTrigger] Guid input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<VerifyAppAccessActivity, Guid, AppAccessReport>(function, input);

    [Function(nameof(EndRelationshipActivity))]
    public static Task<EndedRelationship> EndRelationship([ActivityTrigger] RelationshipEndingTarget input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<EndRelationshipActivity, RelationshipEndingTarget, EndedRelationship>(function, input);

    [Function(RemoveGlobalAdministratorOrchestrator.Name)]
    public static Task<GlobalAdministratorRemovalReport> RemoveGlobalAdministrator([OrchestrationTrigger] TaskOrchestrationContext context, GlobalAdministratorRemovalRequest input) =>
        new RemoveGlobalAdministratorOrchestrator().RunAsync(context, input);

    [Function(nameof(FindGlobalAdministratorRelationshipsActivity))]
    public static Task<IReadOnlyList<string>> FindGlobalAdministratorRelationships([ActivityTrigger] Guid input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<FindGlobalAdministratorRelationshipsActivity, Guid, IReadOnlyList<string>>(function, input);

    [Function(nameof(RemoveGlobalAdministratorActivity))]
    public static Task<GlobalAdministratorRemovalResult> RemoveGlobalAdministratorFromOne([ActivityTrigger] GlobalAdministratorRemovalTarget input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RemoveGlobalAdministratorActivity, GlobalAdministratorRemovalTarget, GlobalAdministratorRemovalResult>(function, input);

    [Function(nameof(RecordOperationActivity))]
    public static Task<bool> RecordOperation([ActivityTrigger] OperationRecord input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RecordOperationActivity, OperationRecord, bool>(function, input);

    [Function(OnboardingBatchOrchestrator.Name)]
    public static Task<OnboardingBatchReport> OnboardingBatch([OrchestrationTrigger] TaskOrchestrationContext context, OnboardingBatchInput input) =>
        new OnboardingBatchOrchestrator().RunAsync(context, input);

    [Function(nameof(StartBatchOnboardingsActivity))]
    public static Task<IReadOnlyList<BatchItemResult>> StartBatchOnboardings([ActivityTrigger] BatchAdmission input, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        FunctionActivityContext.RunAsync<StartBatchOnboardingsActivity, BatchAdmission, IReadOnlyList<BatchItemResult>>(
            function, input, ActivatorUtilities.CreateInstance<Api.DurableOnboardingStarter>(function.InstanceServices, client));

    [Function(nameof(ReadOnboardingPhasesActivity))]
    public static Task<IReadOnlyList<OnboardingPhase>> ReadOnboardingPhases([ActivityTrigger] OnboardingPhaseQuery input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<ReadOnboardingPhasesActivity, OnboardingPhaseQuery, IReadOnlyList<OnboardingPhase>>(function, input);

    [Function(OffboardCustomerOrchestrator.Name)]
    public static Task<OffboardingReport> OffboardCustomer([OrchestrationTrigger] TaskOrchestrationContext context, OffboardingPlan input) =>
        new OffboardCustomerOrchestrator().RunAsync(context, input);

    [Function(nameof(RemoveConsentActivity))]
    public static Task<bool> RemoveConsent([ActivityTrigger] Guid input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RemoveConsentActivity, Guid, bool>(function, input);

    [Function(nameof(RemoveAccessAssignmentsActivity))]
    public static Task<EndedRelationship> RemoveAccessAssignments([ActivityTrigger] RelationshipEndingTarget input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RemoveAccessAssignmentsActivity, RelationshipEndingTarget, EndedRelationship>(function, input);

    [Function(nameof(RecordOffboardingActivity))]
    public static Task<bool> RecordOffboarding([ActivityTrigger] OffboardingOutcome input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RecordOffboardingActivity, OffboardingOutcome, bool>(function, input);
}
