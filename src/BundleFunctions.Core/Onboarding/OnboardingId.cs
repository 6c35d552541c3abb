namespace BundleFunctions.Onboarding;

/// <summary>
/// The one ID an onboarding has everywhere: orchestration instance, Table row key, API path. It is derived from
/// (partner tenant, customer tenant), so a second start for the same customer finds the first instead of racing it.
/// </summary>
public static class OnboardingId
{
    const string Prefix = "onb-";

    /// <summary>The onboarding ID of a customer under a partner.</summary>
    /// <param name="partnerTenantId">The partner's tenant.</param>
    /// <param name="customerTenantId">The customer's tenant.</param>
    /// <returns><c>onb-{partner}-{customer}</c> with both GUIDs in 32-digit form, safe as a Table key and in a URL.</returns>
    public static string For(Guid partnerTenantId, Guid customerTenantId) =>
        $"{Prefix}{partnerTenantId:N}-{customerTenantId:N}";

    /// <summary>Reads the tenants back from an onboarding ID.</summary>
    /// <param name="id">The ID.</param>
    /// <param name="partnerTenantId">The partner's tenant.</param>
    /// <param name="customerTenantId">The customer's tenant.</param>
    /// <returns>Whether <paramref name="id"/> is an onboarding ID.</returns>
    public static bool TryParse(string? id, out Guid partnerTenantId, out Guid customerTenantId)
    {
        partnerTenantId = customerTenantId = Guid.Empty;
        return id is { Length: 69 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id[36] == '-'
            && Guid.TryParseExact(id[4..36], "N", out partnerTenantId)
            && Guid.TryParseExact(id[37..], "N", out customerTenantId);
    }
}
