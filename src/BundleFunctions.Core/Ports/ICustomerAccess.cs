namespace BundleFunctions.Ports;

/// <summary>The partner app's presence and reach inside a customer tenant.</summary>
public interface ICustomerAccess
{
    /// <summary>
    /// Consents the partner's application into the customer tenant through Partner Center. "Already exists" is success.
    /// Refused because the service account's GDAP roles have not reached the customer yet is "not yet", to be tried again
    /// later. A Conditional Access block or another refusal is a <see cref="StepFailedException"/> naming the fix.
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What happened.</returns>
    Task<ConsentOutcome> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the partner's application from the customer tenant through Partner Center (its consent, i.e. its service
    /// principal there), as offboarding does while the relationship still gives the service account its roles.
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a consent was removed; false when there was none.</returns>
    /// <exception cref="StepFailedException">Partner Center refused.</exception>
    Task<bool> RemoveConsentAsync(Guid customerTenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Checks from inside the customer tenant, signed in as the service account through GDAP, that access works: for each
    /// role, a role assignment whose principal belongs to the partner tenant; a Graph smoke call that succeeds; and the
    /// partner's app present there (consented).
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

    /// <summary>What is missing, in words an operator can act on.</summary>
    public string Describe() => string.Join(
        " ",
        [
            .. this.MissingRoleTemplateIds.Count > 0 ? [$"No partner principal holds {string.Join(", ", this.MissingRoleTemplateIds.Select(Gdap.RoleCatalog.NameOf))} in the customer tenant."] : Array.Empty<string>(),
            .. this.Problems,
        ]);
}

/// <summary>What a consent attempt did.</summary>
/// <param name="State">Created, already present, or not yet possible.</param>
/// <param name="Message">What Microsoft said when it was not yet possible.</param>
public sealed record ConsentOutcome(ConsentState State, string? Message = null)
{
    /// <summary>This call created the consent.</summary>
    public static ConsentOutcome Created { get; } = new(ConsentState.Created);

    /// <summary>The consent existed.</summary>
    public static ConsentOutcome AlreadyPresent { get; } = new(ConsentState.AlreadyPresent);
}

/// <summary>Where an application consent stands.</summary>
public enum ConsentState
{
    /// <summary>This call created it.</summary>
    Created,

    /// <summary>It existed.</summary>
    AlreadyPresent,

    /// <summary>
    /// Partner Center refused because the calling user's GDAP roles (Application Administrator and Privileged Role
    /// Administrator) have not reached the customer tenant yet: try again after a while.
    /// </summary>
    AwaitingGdapRoles,
}
