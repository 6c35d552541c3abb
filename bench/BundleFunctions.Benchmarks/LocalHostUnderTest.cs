using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Benchmarks;

/// <summary>The built LocalHost as its own process, wired to the simulator as ./run.sh wires it, with its own task hub and tables.</summary>
public sealed class LocalHostUnderTest : IDisposable
{
    readonly Process process;

    LocalHostUnderTest(Process process, int port, string key)
    {
        this.process = process;
        this.Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        this.Api.DefaultRequestHeaders.Add("x-functions-key", key);
        this.WebhookUrl = new Uri($"http://127.0.0.1:{port}/api/webhooks/partner-center");
    }

    /// <summary>The API, with the function key.</summary>
    public HttpClient Api { get; }

    /// <summary>The webhook receiver's URL.</summary>
    public Uri WebhookUrl { get; }

    /// <summary>Starts the LocalHost; <paramref name="overrides"/> replace or add settings (storage, pacing).</summary>
    public static async Task<LocalHostUnderTest> StartAsync(MicrosoftCloudOptions cloud, Simulator simulator, IReadOnlyDictionary<string, string>? overrides = null)
    {
        string dll = Path.Combine(RepositoryRoot(), "src", "BundleFunctions.LocalHost", "bin", "Release", "net10.0", "BundleFunctions.LocalHost.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the solution in Release first (./bench.sh does).", dll);
        }

        int port = FreePort();
        string run = $"bench{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
        string key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        ProcessStartInfo start = new("dotnet", [dll]) { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string name, string value) in cloud.ToSettings().Concat(new Dictionary<string, string>
        {
            ["LocalHost__ApiPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LocalHost__SidecarPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LocalHost__TaskHubName"] = run,
            ["Tables__Prefix"] = run,
            ["Events__QueueName"] = run + "-events",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["BundleData"] = "UseDevelopmentStorage=true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Api__FunctionKey"] = key,
            ["Api__SignInAppId"] = "b7a1c3e5-5555-4a6b-9c1d-000000000001", // the seeded BundleFunctions API: people and systems sign in
            ["Api__WebhookCertificateHosts__0"] = simulator.BaseAddress.Authority,
            ["Api__WebhookTrustAnchorThumbprint"] = simulator.WebhookSigningThumbprint,
            ["Workflow__GroupPrefix"] = "Bench",
            ["Workflow__ApprovalFirstPoll"] = "00:05:00", // out of the way: what is measured is the webhook
            ["Workflow__FollowUpFirstPoll"] = "00:00:00.500", // as ./run.sh
        }).Concat(overrides ?? new Dictionary<string, string>()))
        {
            start.Environment[name] = value;
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("localhost: " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LocalHostUnderTest host = new(process, port, key);
        for (DateTime limit = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < limit; await Task.Delay(200))
        {
            try
            {
                if ((await host.Api.GetAsync("api/health")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }

        host.Dispose();
        throw new TimeoutException("The LocalHost did not answer within 60 s (is Azurite running? ./bench.sh starts it).");
    }

    public void Dispose()
    {
        this.Api.Dispose();
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit();
        }

        this.process.Dispose();
    }

    static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BundleFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
