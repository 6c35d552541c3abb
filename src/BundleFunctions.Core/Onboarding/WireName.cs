using System.Text.Json;

namespace BundleFunctions.Onboarding;

/// <summary>An enum value as the API spells it (camelCase, as its JSON does), for messages that quote it.</summary>
public static class WireName
{
    /// <summary>The value's camelCase name, e.g. <c>waitingForCustomer</c>.</summary>
    /// <typeparam name="T">The enum.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The name.</returns>
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
