namespace BundleFunctions.Ports;

/// <summary>The partner tenant this deployment serves (from <c>MicrosoftCloud__PartnerTenantId</c>; registered by the adapters).</summary>
/// <param name="Id">The tenant ID.</param>
public sealed record PartnerTenant(Guid Id);
