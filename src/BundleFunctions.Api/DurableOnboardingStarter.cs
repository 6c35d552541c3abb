using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// Starts a batch's onboardings through the Durable client, each under its deterministic instance ID (partner + customer),
/// so the onboarding a batch starts is the same one <c>POST /api/onboardings</c> would have started.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="workflow">Timings for new onboardings.</param>
/// <param name="partner">The partner tenant.</param>
public sealed class DurableOnboardingStarter(DurableTaskClient client, IOnboardingStore store, WorkflowOptions workflow, PartnerTenant partner) : IOnboardingStarter
{
    /// <inheritdoc />
    public async Task<BatchItemResult> StartIfNewAsync(OnboardingRequest request, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string id = OnboardingId.For(partner.Id, request.CustomerTenantId);
        if (await store.GetAsync(partner.Id, id, cancellationToken) is { } existing)
        {
            return new BatchItemResult(request.CustomerTenantId, id, BatchItemOutcome.AlreadyHadOnboarding, $"It already has an onboarding ({WireName.Of(existing.Status)}, shield {WireName.Of(existing.Shield)}); it was left alone.");
        }

        OnboardingSubject subject = request.SubjectFor(id, partner.Id);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OnboardCustomerOrchestrator.Name,
                new OnboardingInput(subject, request, workflow.ToSettings()),
                new StartOrchestrationOptions { InstanceId = id }.WithDedupeStatuses(RunStatuses.Live),
                cancellationToken);
        }
        catch (Grpc.Core.RpcException running) when (running.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            // Started meanwhile, by the API or by this batch before an answer was lost: either way it is not started twice.
            return new BatchItemResult(request.CustomerTenantId, id, BatchItemOutcome.AlreadyHadOnboarding, "It already has an onboarding running (started moments ago); it was left alone.");
        }

        return new BatchItemResult(request.CustomerTenantId, id, BatchItemOutcome.Started);
    }
}
