using System.Text;
using System.Text.Json.Nodes;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>Reading what Entra hands back: an access token's claims, and its own words when it refuses.</summary>
public static class EntraAnswers
{
    /// <summary>An access token's claims (its middle part); the token came from Entra over TLS, so it is read, not validated.</summary>
    /// <param name="jwt">The token.</param>
    /// <returns>Its claims.</returns>
    public static JsonObject Claims(string jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        string part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='))))?.AsObject() ?? [];
    }

    /// <summary>An exception's message with its cause's: Azure.Identity puts Entra's own words in the inner MSAL exception.</summary>
    /// <param name="e">The exception.</param>
    /// <returns>Its words.</returns>
    public static string Words(Exception e) => e.InnerException is { } cause ? $"{e.Message} {cause.Message}" : e.Message;

    /// <summary>Entra's own words for a refusal: from its AADSTS code to the end of that sentence group, without trace IDs.</summary>
    /// <param name="refused">The exception.</param>
    /// <returns>Entra's words.</returns>
    public static string Refusal(Exception refused)
    {
        string message = Words(refused);
        int start = message.IndexOf("AADSTS", StringComparison.Ordinal);
        string text = start < 0 ? message : message[start..];
        int trace = text.IndexOf(" Trace ID", StringComparison.Ordinal);
        text = trace < 0 ? text : text[..trace];
        return text.Split('\n')[0].Trim();
    }
}
