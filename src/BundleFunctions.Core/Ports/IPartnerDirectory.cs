using BundleFunctions.Gdap;

namespace BundleFunctions.Ports;

/// <summary>The partner tenant's directory: the role groups and the service account in them.</summary>
public interface IPartnerDirectory
{
    /// <summary>
    /// Checks the service account is ready (it exists and is an Admin Agent), then finds each security group by its exact
    /// display name or creates it, and makes sure the service account is a member. Idempotent: a second call finds what
    /// the first made and changes nothing. When every group and membership already exists (every onboarding after the
    /// first) it only reads; otherwise it takes <paramref name="exclusively"/> and reads again before it creates, so
    /// simultaneous onboardings never all find nothing and all create.
    /// </summary>
    /// <param name="names">The groups, in order.</param>
    /// <param name="exclusively">Takes the partner-wide lease for these groups; disposing releases it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The groups, in the same order, and what had to be done.</returns>
    Task<IReadOnlyList<PartnerGroup>> EnsureRoleGroupsAsync(IReadOnlyList<PartnerGroupName> names, Func<CancellationToken, Task<IAsyncDisposable>> exclusively, CancellationToken cancellationToken);
}

/// <summary>A partner group that carries one role.</summary>
/// <param name="GroupId">The group's object ID (the access container ID of its assignment).</param>
/// <param name="DisplayName">The group's name.</param>
/// <param name="Created">Whether this call created the group.</param>
/// <param name="MemberAdded">Whether this call added the service account.</param>
public sealed record PartnerGroup(string GroupId, string DisplayName, bool Created, bool MemberAdded);
