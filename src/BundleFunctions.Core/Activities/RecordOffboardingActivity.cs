using BundleFunctions.Customers;
using BundleFunctions.Offboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Writes an offboarding's end where people look: the operations audit always; when it is complete, the customer book
/// (verdict "offboarded", kept across imports) and the customer's onboarding, whose audit trail gains the line and whose
/// shield goes to none — its record is kept, as the customer's history.
/// </summary>
/// <param name="book">The customer book.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="audit">The partner-wide audit.</param>
/// <param name="time">The clock.</param>
public sealed class RecordOffboardingActivity(ICustomerBook book, IOnboardingStore store, IOperationsAudit audit, TimeProvider time) : TaskActivity<OffboardingOutcome, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, OffboardingOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (OffboardingPlan plan, OffboardingReport report) = input;
        DateTimeOffset now = time.GetUtcNow();
        string summary = report.Summary();
        await audit.RecordAsync(
            plan.PartnerTenantId,
            new OperationsAuditEntry(now, plan.Actor, report.Complete ? "customer.offboarded" : "customer.offboardingIncomplete", plan.CustomerTenantId.ToString(), $"{plan.Why} {summary}"),
            CancellationToken.None);
        if (!report.Complete)
        {
            return false;
        }

        await book.SetOffboardingAsync(plan.PartnerTenantId, plan.CustomerTenantId, new CustomerOffboarding(now, plan.Actor, summary), CancellationToken.None);
        if (await store.GetAsync(plan.PartnerTenantId, OnboardingId.For(plan.PartnerTenantId, plan.CustomerTenantId), CancellationToken.None) is { } onboarding)
        {
            await store.ApplyAsync(new ProgressUpdate(onboarding.Subject, Message: $"Offboarded ({WireName.Of(plan.Mode)}). {plan.Why} {summary}", Shield: Shield.None, Actor: plan.Actor), now, CancellationToken.None);
        }

        return true;
    }
}
