namespace BundleFunctions.Onboarding;

/// <summary>Where one step stands.</summary>
public enum StepStatus
{
    /// <summary>Not reached yet.</summary>
    Pending,

    /// <summary>In progress (an attempt is under way or the step is waiting).</summary>
    Running,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Failed with a message saying what to fix.</summary>
    Failed,

    /// <summary>Not needed this time (e.g. the object already existed).</summary>
    Skipped,
}
