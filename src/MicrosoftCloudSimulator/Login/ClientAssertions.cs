using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Login;

/// <summary>
/// Entra's certificate credential (<c>private_key_jwt</c>): a JWT the app signs with its certificate's private key, naming
/// the certificate in its header (<c>x5t</c> or <c>x5t#S256</c>), addressed to the token endpoint, issued by and about the
/// app, and not expired. Checked against the certificates registered for the app.
/// </summary>
public static class ClientAssertions
{
    /// <summary>The <c>client_assertion_type</c> of a signed JWT.</summary>
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Why the assertion is refused (AADSTS code and text), or null when it proves the app's identity.</summary>
    public static (int Code, string Description)? Refusal(string assertion, AppRegistration app, string tokenEndpoint, DateTimeOffset now)
    {
        string[] parts = assertion.Split('.');
        JsonObject? header, claims;
        try
        {
            header = parts.Length == 3 ? JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))?.AsObject() : null;
            claims = parts.Length == 3 ? JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))?.AsObject() : null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            header = claims = null;
        }

        if (header is null || claims is null)
        {
            return (50027, "JWT token is invalid or malformed.");
        }

        X509Certificate2? certificate = app.Certificates.FirstOrDefault(c =>
            header["x5t#S256"]?.GetValue<string>() == Base64Url.EncodeToString(c.GetCertHash(HashAlgorithmName.SHA256))
            || header["x5t"]?.GetValue<string>() == Base64Url.EncodeToString(c.GetCertHash(HashAlgorithmName.SHA1)));
        if (certificate is null)
        {
            return (700027, $"The certificate with identifier used to sign the client assertion is not registered on application {app.AppId}.");
        }

        using RSA? key = certificate.GetRSAPublicKey();
        RSASignaturePadding? padding = header["alg"]?.GetValue<string>() switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        byte[] signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (key is null || padding is null || !key.VerifyData(signed, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, padding))
        {
            return (700027, "Client assertion failed signature validation.");
        }

        string appId = app.AppId.ToString();
        if (claims["iss"]?.GetValue<string>() != appId || claims["sub"]?.GetValue<string>() != appId)
        {
            return (700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
        }

        if (!string.Equals(claims["aud"]?.GetValue<string>()?.TrimEnd('/'), tokenEndpoint.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return (700016, $"The client assertion's audience must be the token endpoint '{tokenEndpoint}'.");
        }

        // MSAL writes exp as a string ("1796000000"), others as a number: Entra takes both.
        long? exp = claims["exp"] is JsonValue value && (value.TryGetValue(out long n) || (value.TryGetValue(out string? text) && long.TryParse(text, out n))) ? n : null;
        if (exp is null || DateTimeOffset.FromUnixTimeSeconds(exp.Value) < now.AddMinutes(-5))
        {
            return (700024, "Client assertion is not within its valid time range.");
        }

        return null;
    }
}
