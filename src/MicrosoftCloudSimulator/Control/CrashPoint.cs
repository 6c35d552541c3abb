namespace MicrosoftCloudSimulator.Control;

/// <summary>
/// A test hook for the moment the product's process dies in the middle of a call (<c>/_sim/crash-point</c>): the chosen
/// request is held unanswered — carried out first when <see cref="Arm.Apply"/> is set, not carried out otherwise — so a test
/// can kill the product's host exactly there. Released (or abandoned by its caller), the held request's connection is
/// dropped: whatever the caller learns about it, it learns by asking again, as after a real crash.
/// </summary>
public sealed class CrashPoint
{
    readonly object gate = new();
    Arm? armed;
    int passed;
    string? heldRequest;
    TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where to stop: the request after <paramref name="Skip"/> matching ones; <paramref name="Route"/> as in <c>/_sim/stats</c>, or <c>*</c>.</summary>
    /// <param name="Route">"METHOD template", e.g. <c>POST /v1.0/groups</c>, or <c>*</c> for any Graph or Partner Center request.</param>
    /// <param name="Skip">How many matching requests pass before the one held.</param>
    /// <param name="Apply">Whether the held request is carried out before it is held (a write whose answer dies with the caller).</param>
    public sealed record Arm(string Route, int Skip = 0, bool Apply = false);

    /// <summary>What <c>GET /_sim/crash-point</c> answers.</summary>
    /// <param name="Armed">The point set, if any.</param>
    /// <param name="Held">The request held there ("METHOD path"), once one arrived.</param>
    public sealed record View(Arm? Armed, string? Held);

    public View Now()
    {
        lock (this.gate)
        {
            return new View(this.armed, this.heldRequest);
        }
    }

    /// <summary>Sets a new point, releasing a request held at the previous one.</summary>
    public void Set(Arm arm)
    {
        this.Clear();
        lock (this.gate)
        {
            this.armed = arm;
        }
    }

    /// <summary>Removes the point; a request held there has its connection dropped.</summary>
    public void Clear()
    {
        lock (this.gate)
        {
            this.armed = null;
            this.passed = 0;
            this.heldRequest = null;
            this.release.TrySetResult();
            this.release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Holds <paramref name="http"/> if it is the armed request; false lets it through untouched.</summary>
    /// <param name="http">The request.</param>
    /// <param name="key">"METHOD template", as counted by <see cref="Traffic"/>.</param>
    /// <param name="carryOut">Runs the request (the endpoint), its answer discarded.</param>
    /// <returns>Whether the request was held (and has now been dropped).</returns>
    public async Task<bool> HoldIfArmedAsync(HttpContext http, string key, Func<Task> carryOut)
    {
        Task released;
        bool apply;
        lock (this.gate)
        {
            if (this.armed is not { } arm || this.heldRequest is not null || (arm.Route != "*" && arm.Route != key) || this.passed++ < arm.Skip)
            {
                return false;
            }

            this.heldRequest = $"{http.Request.Method} {http.Request.Path}";
            released = this.release.Task;
            apply = arm.Apply;
        }

        if (apply)
        {
            Stream client = http.Response.Body;
            http.Response.Body = Stream.Null;
            await carryOut();
            http.Response.Body = client;
        }

        await Task.WhenAny(released, Task.Delay(Timeout.Infinite, http.RequestAborted)).ConfigureAwait(false);
        http.Abort();
        return true;
    }
}
