namespace BundleFunctions.Readiness;

/// <summary>How one readiness check came out.</summary>
public enum ReadinessState
{
    /// <summary>As the bundle needs it.</summary>
    Pass,

    /// <summary>Works today, but will break or is a risk (a credential expiring, a service account with Global Administrator).</summary>
    Warn,

    /// <summary>Broken: what depends on it fails.</summary>
    Fail,

    /// <summary>Not checked, because a check it depends on failed.</summary>
    NotChecked,
}

/// <summary>One check of the partner's setup: what was seen and, unless it passed, the fix in one sentence.</summary>
/// <param name="Name">The check's stable name, e.g. <c>serviceAccountAdminAgent</c>.</param>
/// <param name="State">How it came out.</param>
/// <param name="Blocking">Whether onboardings cannot work while it fails (they stop at once, naming it).</param>
/// <param name="Seen">What was seen, e.g. <c>svc@contoso.onmicrosoft.com is not in AdminAgents.</c></param>
/// <param name="Fix">What to do, when it did not pass.</param>
public sealed record ReadinessCheck(string Name, ReadinessState State, bool Blocking, string Seen, string? Fix = null)
{
    /// <summary>Whether this check stops onboardings.</summary>
    public bool Blocks => this.Blocking && this.State == ReadinessState.Fail;

    /// <summary>The check as one sentence an onboarding's step shows, e.g. <c>Partner readiness check serviceAccountAdminAgent fails: …. Fix: ….</c></summary>
    /// <returns>The sentence.</returns>
    public string Describe() => $"Partner readiness check {this.Name} fails: {this.Seen} Fix: {this.Fix}";
}

/// <summary>The partner's readiness: every check, when they were made.</summary>
/// <param name="CheckedAt">When.</param>
/// <param name="Checks">The checks, in the order an engineer fixes them.</param>
public sealed record ReadinessReport(DateTimeOffset CheckedAt, IReadOnlyList<ReadinessCheck> Checks)
{
    /// <summary>The first failing check that stops onboardings, if any.</summary>
    public ReadinessCheck? FirstBlocker => this.Checks.FirstOrDefault(c => c.Blocks);

    /// <summary><c>notReady</c> while a blocking check fails, <c>attention</c> while any other does not pass, else <c>ready</c>.</summary>
    public string Status =>
        this.FirstBlocker is not null ? "notReady"
        : this.Checks.Any(c => c.State is ReadinessState.Warn or ReadinessState.Fail) ? "attention"
        : "ready";
}
