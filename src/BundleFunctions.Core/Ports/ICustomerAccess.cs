namespace BundleFunctions.Ports;

/// <summary>The partner app's presence and reach inside a customer tenant.</summary>
public interface ICustomerAccess
{
    /// <summary>
    /// Consents the partner's application into the customer tenant through Partner Center. "Already exists" is success.
    /// A Conditional Access block or a missing relationship is a <see cref="StepFailedException"/> naming the fix.
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether this call created the consent (false: it existed).</returns>
    Task<bool> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Checks from inside the customer tenant that GDAP works: for each role, a role assignment whose principal belongs to
    /// the partner tenant, and a Graph smoke call that succeeds.
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="requiredRoleTemplateIds">The roles that must be present.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What works and what is missing.</returns>
    Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken);
}

/// <summary>The result of an access probe: green when nothing is missing.</summary>
/// <param name="MissingRoleTemplateIds">Required roles with no partner principal assigned in the customer tenant.</param>
/// <param name="Problems">Other failures (sign-in refused, smoke call failed), in words an operator can act on.</param>
public sealed record AccessReport(IReadOnlyList<Guid> MissingRoleTemplateIds, IReadOnlyList<string> Problems)
{
    /// <summary>Whether API access works: the green shield.</summary>
    public bool IsGreen => this.MissingRoleTemplateIds.Count == 0 && this.Problems.Count == 0;
}
