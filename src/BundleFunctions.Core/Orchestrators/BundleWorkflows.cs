using BundleFunctions.Activities;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>Registers every orchestrator and activity of the product, so each host (LocalHost, tests) wires the same set.</summary>
public static class BundleWorkflows
{
    /// <summary>Adds the product's orchestrators and activities to a registry.</summary>
    /// <param name="registry">The registry.</param>
    /// <returns>The same registry, for chaining.</returns>
    public static DurableTaskRegistry AddBundleWorkflows(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<OnboardCustomerOrchestrator>(OnboardCustomerOrchestrator.Name)
            .AddActivity<RecordProgressActivity>(nameof(RecordProgressActivity))
            .AddActivity<EnsurePartnerGroupsActivity>(nameof(EnsurePartnerGroupsActivity))
            .AddActivity<CreateRelationshipActivity>(nameof(CreateRelationshipActivity))
            .AddActivity<GetRelationshipActivity>(nameof(GetRelationshipActivity))
            .AddActivity<CreateAccessAssignmentsActivity>(nameof(CreateAccessAssignmentsActivity))
            .AddActivity<GetAccessAssignmentProgressActivity>(nameof(GetAccessAssignmentProgressActivity))
            .AddActivity<ConsentApplicationActivity>(nameof(ConsentApplicationActivity))
            .AddActivity<VerifyAccessActivity>(nameof(VerifyAccessActivity))
            .AddActivity<EndRelationshipActivity>(nameof(EndRelationshipActivity))
            .AddActivity<PrepareAdminConsentLinkActivity>(nameof(PrepareAdminConsentLinkActivity))
            .AddActivity<VerifyAppAccessActivity>(nameof(VerifyAppAccessActivity))
            .AddOrchestrator<RemoveGlobalAdministratorOrchestrator>(RemoveGlobalAdministratorOrchestrator.Name)
            .AddActivity<FindGlobalAdministratorRelationshipsActivity>(nameof(FindGlobalAdministratorRelationshipsActivity))
            .AddActivity<RemoveGlobalAdministratorActivity>(nameof(RemoveGlobalAdministratorActivity))
            .AddActivity<RecordOperationActivity>(nameof(RecordOperationActivity))
            .AddOrchestrator<OnboardingBatchOrchestrator>(OnboardingBatchOrchestrator.Name)
            .AddActivity<StartBatchOnboardingsActivity>(nameof(StartBatchOnboardingsActivity))
            .AddActivity<ReadOnboardingPhasesActivity>(nameof(ReadOnboardingPhasesActivity))
            .AddOrchestrator<OffboardCustomerOrchestrator>(OffboardCustomerOrchestrator.Name)
            .AddActivity<RemoveConsentActivity>(nameof(RemoveConsentActivity))
            .AddActivity<RemoveAccessAssignmentsActivity>(nameof(RemoveAccessAssignmentsActivity))
            .AddActivity<RecordOffboardingActivity>(nameof(RecordOffboardingActivity));
    }
}
