namespace BundleFunctions.Telemetry;

/// <summary>
/// The product's one meter and its instruments' names, as OpenTelemetry exports them in both hosts (Azure Monitor in
/// Azure; console or OTLP locally). Tags are low-cardinality by design: no tenant, customer or relationship id.
/// </summary>
public static class BundleMeter
{
    /// <summary>The meter every instrument of the product belongs to.</summary>
    public const string Name = "BundleFunctions";

    /// <summary>Counter: an onboarding reached a status; tags <c>status</c>, <c>shield</c>.</summary>
    public const string OnboardingStatusReached = "bundle.onboarding.status_reached";

    /// <summary>Histogram (seconds): one attempt of one step, from start to its end; tags <c>step</c>, <c>result</c>.</summary>
    public const string StepDuration = "bundle.onboarding.step.duration";

    /// <summary>Counter: answers from Microsoft, every attempt; tags <c>service</c>, <c>route</c>, <c>method</c>, <c>status</c>.</summary>
    public const string MicrosoftRequests = "bundle.microsoft.requests";

    /// <summary>Histogram (seconds): how long Microsoft took to answer; tags <c>service</c>, <c>route</c>, <c>method</c>.</summary>
    public const string MicrosoftRequestDuration = "bundle.microsoft.request.duration";

    /// <summary>Counter: 429/503 answers; tags <c>service</c>, <c>route</c>, <c>retry_after_given</c>.</summary>
    public const string MicrosoftThrottled = "bundle.microsoft.throttled";
}
