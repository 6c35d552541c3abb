using BundleFunctions.Gdap;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// What the Microsoft-facing ports do while no Graph / Partner Center connection is configured: fail the step at once with
/// a message that names the missing settings, instead of retrying or failing somewhere deep in an HTTP stack.
/// The onboarding then waits, failed, for an operator to fix the configuration and retry.
/// </summary>
/// <param name="message">Why there is no connection and the fix (<see cref="MicrosoftCloudOptions.ConnectionProblem"/>).</param>
/// <param name="unresolvedSettings">App settings whose Key Vault reference did not resolve, for the readiness report.</param>
public sealed class MicrosoftCloudNotConfigured(string message, IReadOnlyList<string>? unresolvedSettings = null) : IPartnerDirectory, IGdapRelationships, ICustomerAccess, IEnterpriseAppAccess, IPartnerCustomers, IPartnerFacts
{
    /// <summary>What is said when no connection was configured at all.</summary>
    public const string NoConnection =
        "No Microsoft cloud connection is configured: set the MicrosoftCloud settings (partner tenant, app ID, credential; "
        + "see local.settings.sample.json), restart, then retry the onboarding.";

    /// <summary>The message every call fails with.</summary>
    public string Message => message;

    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerGroup>> EnsureRoleGroupsAsync(IReadOnlyList<PartnerGroupName> names, Func<CancellationToken, Task<IAsyncDisposable>> exclusively, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<IReadOnlyList<RelationshipSnapshot>> ListAsync(CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<RelationshipSnapshot?> CreateAsync(RelationshipRequest request, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task LockForApprovalAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task EnableAutoExtendAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<bool> RemoveGlobalAdministratorAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task TerminateAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task DeleteAccessAssignmentAsync(RelationshipId relationshipId, string assignmentId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<RelationshipSnapshot?> GetAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessAssignmentSnapshot>> ListAccessAssignmentsAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<AccessAssignmentSnapshot> CreateAccessAssignmentAsync(RelationshipId relationshipId, string groupId, Guid roleTemplateId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<PartnerCustomerList> ListCustomersAsync(CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<ConsentOutcome> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<bool> RemoveConsentAsync(Guid customerTenantId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Uri ConsentLinkFor(Guid customerTenantId, string state) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<AppAccessReport> ProbeAsync(Guid customerTenantId, CancellationToken cancellationToken) => throw new StepFailedException(message);

    /// <inheritdoc />
    public Task<Readiness.PartnerFacts> GatherAsync(Uri? expectedWebhookUrl, CancellationToken cancellationToken) =>
        Task.FromResult(new Readiness.PartnerFacts { ConnectionProblem = message, UnresolvedSettings = unresolvedSettings ?? [] });
}
