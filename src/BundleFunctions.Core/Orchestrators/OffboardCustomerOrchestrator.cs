using BundleFunctions.Activities;
using BundleFunctions.Gdap;
using BundleFunctions.Offboarding;
using BundleFunctions.Onboarding;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// Ends a customer's management: the application's consent first (Partner Center removes it through the service account's
/// GDAP roles, so while they still reach the customer), then each relationship — terminated, or its access assignments
/// deleted — and last the record of it (<see cref="RecordOffboardingActivity"/>). A call Microsoft keeps refusing is
/// reported failed and the run goes on; the customer is recorded offboarded only when everything asked for was done, and
/// running it again repeats nothing already done. Its custom status is the report so far; its output the whole report.
/// </summary>
public sealed class OffboardCustomerOrchestrator : TaskOrchestrator<OffboardingPlan, OffboardingReport>
{
    /// <summary>The orchestration's name.</summary>
    public const string Name = "OffboardCustomer";

    /// <inheritdoc />
    public override async Task<OffboardingReport> RunAsync(TaskOrchestrationContext context, OffboardingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        TaskOptions options = (plan.Retry ?? ActivityRetrySettings.Default).ToTaskOptions();
        List<EndedRelationship> relationships = [];
        OffboardingReport report = new(plan.CustomerTenantId, plan.Mode, plan.RemoveConsent ? null : ConsentRemovalOutcomes.Kept, relationships, Complete: false);
        context.SetCustomStatus(report);

        if (plan.RemoveConsent)
        {
            try
            {
                bool removed = await context.CallActivityAsync<bool>(nameof(RemoveConsentActivity), plan.CustomerTenantId, options);
                report = report with { Consent = removed ? ConsentRemovalOutcomes.Removed : ConsentRemovalOutcomes.NotPresent };
            }
            catch (TaskFailedException refused)
            {
                report = report with { Consent = $"{ConsentRemovalOutcomes.Failed}: {refused.FailureDetails.ErrorMessage} Send the offboarding again." };
            }

            context.SetCustomStatus(report);
        }

        string activity = plan.Mode == OffboardingMode.TerminateRelationships ? nameof(EndRelationshipActivity) : nameof(RemoveAccessAssignmentsActivity);
        foreach (string relationshipId in plan.RelationshipIds)
        {
            try
            {
                relationships.Add(await context.CallActivityAsync<EndedRelationship>(activity, plan.Target(relationshipId), options));
            }
            catch (TaskFailedException refused)
            {
                relationships.Add(new EndedRelationship(relationshipId, null, RelationshipEndingOutcomes.Failed, $"{refused.FailureDetails.ErrorMessage} Send the offboarding again: what was done is not done twice."));
            }

            context.SetCustomStatus(report);
        }

        report = report with
        {
            Complete = report.Consent?.StartsWith(ConsentRemovalOutcomes.Failed, StringComparison.Ordinal) != true
                && relationships.All(r => r.Outcome != RelationshipEndingOutcomes.Failed),
        };
        await context.CallActivityAsync<bool>(nameof(RecordOffboardingActivity), new OffboardingOutcome(plan, report), options);
        return report;
    }
}
