using BundleFunctions.Bundle;
using BundleFunctions.Ports;
using BundleFunctions.Readiness;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// <c>GET /api/readiness</c>: the partner's setup checked now — each check with <c>pass</c>, <c>warn</c>, <c>fail</c> or
/// <c>notChecked</c>, whether it blocks onboardings, what was seen and the fix. Always 200 (the report is the answer);
/// <c>status</c> says <c>ready</c>, <c>attention</c> or <c>notReady</c>. 502 when Microsoft throttled or failed a check.
/// </summary>
public static class ReadinessApi
{
    /// <summary>The handler.</summary>
    /// <param name="readiness">The partner's readiness.</param>
    /// <param name="configuration">The bundle's configuration, shown with the report.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The report.</returns>
    public static async Task<IResult> GetAsync(IPartnerReadiness readiness, BundleConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        try
        {
            return ApiJson.Json(Document(await readiness.CheckAsync(cancellationToken), configuration));
        }
        catch (Exception busy) when (busy is MicrosoftBusyException or HttpRequestException)
        {
            // A transient failure says nothing about the setup: no report rather than a wrong one.
            return ApiJson.Problem(502, "Microsoft did not answer every readiness check.", $"{busy.Message} Check again in a minute.");
        }
    }

    /// <summary>
    /// The gate before work that would start many onboardings (a batch): a 409 naming the first blocking check and its fix,
    /// or 502 when Microsoft could not answer; null when the partner is ready. Nothing is started either way it refuses.
    /// </summary>
    /// <param name="readiness">The partner's readiness.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The refusal, or null.</returns>
    public static async Task<IResult?> RefusalAsync(IPartnerReadiness readiness, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        try
        {
            return await readiness.BlockerAsync(cancellationToken) is { } blocker
                ? ApiJson.Problem(409, $"The partner setup is not ready ({blocker.Name}); nothing was started.", $"{blocker.Seen} Fix: {blocker.Fix}", new Dictionary<string, object?> { ["readinessCheck"] = blocker.Name })
                : null;
        }
        catch (Exception busy) when (busy is MicrosoftBusyException or HttpRequestException)
        {
            return ApiJson.Problem(502, "Microsoft did not answer every readiness check; nothing was started.", $"{busy.Message} Try again in a minute.");
        }
    }

    /// <summary>The report as the API shows it.</summary>
    /// <param name="report">The report.</param>
    /// <param name="configuration">The bundle's configuration.</param>
    /// <returns>The JSON document.</returns>
    public static object Document(ReadinessReport report, BundleConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(configuration);
        return new
        {
            status = report.Status,
            checkedAt = report.CheckedAt,
            blocker = report.FirstBlocker?.Name,
            configuration = new
            {
                integrations = configuration.Integrations.Select(i => i.Name),
                graphPreset = configuration.GraphPreset,
                graphPermissions = configuration.GraphPermissions,
                consentGrants = configuration.ConsentGrants.Select(g => new { resource = g.Integration.DisplayName, resourceAppId = g.Integration.ResourceAppId, scopes = g.Scopes }),
            },
            checks = report.Checks.Select(c => new
            {
                name = c.Name,
                state = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.State.ToString()),
                blocking = c.Blocking,
                seen = c.Seen,
                fix = c.Fix,
            }),
        };
    }
}
