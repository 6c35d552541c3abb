using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BundleFunctions.Infrastructure.Storage;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Integration.Tests.LocalHost;

/// <summary>The LocalHost as a separate operating-system process, so a test can kill it the hard way and start another.</summary>
public sealed class LocalHostProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    LocalHostProcess(Process process, int apiPort, int sidecarPort, string taskHubName)
    {
        this.process = process;
        this.ApiPort = apiPort;
        this.SidecarPort = sidecarPort;
        this.Store = new(Azurite.Tables(), taskHubName + TableOnboardingStore.DefaultTableName);
        this.OperationsAudit = new(Azurite.Tables(), taskHubName + TableOperationsAudit.DefaultTableName);
        this.WebhookInbox = new(Azurite.Tables(), taskHubName + TableWebhookInbox.DefaultTableName);
    }

    public int ApiPort { get; }

    public int SidecarPort { get; }

    /// <summary>The host's onboarding store: its tables carry the task hub name as prefix, so no two tests share rows.</summary>
    public TableOnboardingStore Store { get; }

    /// <summary>The LocalHost's partner-wide audit trail.</summary>
    public TableOperationsAudit OperationsAudit { get; }

    /// <summary>The LocalHost's record of Partner Center deliveries.</summary>
    public TableWebhookInbox WebhookInbox { get; }

    public string Output
    {
        get
        {
            lock (this.output)
            {
                return this.output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the built LocalHost on free loopback ports with the given task hub, and waits until it answers. A port is
    /// picked here and bound by the child a moment later, so another process may take it in between: a start that fails
    /// to bind is made again on other ports.
    /// </summary>
    public static async Task<LocalHostProcess> StartAsync(string taskHubName, IReadOnlyDictionary<string, string>? settings = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            LocalHostProcess host = Launch(taskHubName, settings);
            try
            {
                await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
                return host;
            }
            catch (InvalidOperationException) when (attempt < 3 && host.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                host.Dispose();
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }
    }

    static LocalHostProcess Launch(string taskHubName, IReadOnlyDictionary<string, string>? settings)
    {
        Azurite.EnsureRunning();
        string dll = LocalHostAssembly();
        ProcessStartInfo start = new("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        int api = FreePort();
        int sidecar = FreePort();
        start.Environment["LocalHost__ApiPort"] = api.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LocalHost__SidecarPort"] = sidecar.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LocalHost__TaskHubName"] = taskHubName;
        start.Environment["Tables__Prefix"] = taskHubName;
        start.Environment["AzureWebJobsStorage"] = Azurite.ConnectionString;
        start.Environment["BundleData"] = Azurite.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["LocalHost__ScheduledJobs"] = "false"; // a test that is about a job sets it, or calls the job
        foreach ((string name, string value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        LocalHostProcess host = new(Process.Start(start)!, api, sidecar, taskHubName);
        host.process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host.process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host.process.BeginOutputReadLine();
        host.process.BeginErrorReadLine();
        return host;
    }

    /// <summary>A Durable Task client on this host's sidecar, over gRPC as any external caller would connect.</summary>
    public LocalHostClient ConnectClient()
    {
        GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{this.SidecarPort}");
        ServiceCollection services = new();
        services.AddLogging();
        services.AddDurableTaskClient(builder => builder.UseGrpc(channel));
        return new LocalHostClient(services.BuildServiceProvider(), channel);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, exactly like a crash or an evicted container.</summary>
    public void KillHard()
    {
        this.process.Kill(entireProcessTree: true);
        this.process.WaitForExit();
    }

    public void Dispose()
    {
        if (!this.process.HasExited)
        {
            this.KillHard();
        }

        this.process.Dispose();
    }

    static string LocalHostAssembly()
    {
        // The LocalHost is built beside the tests (project reference), in the same configuration.
        string dll = RepositoryRoot.Combine("src", "BundleFunctions.LocalHost", "bin", RepositoryRoot.Configuration, "net10.0", "BundleFunctions.LocalHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the LocalHost is missing.", dll);
    }

    /// <summary>A loopback port the OS just handed out.</summary>
    public static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    void Append(string? line)
    {
        if (line is not null)
        {
            lock (this.output)
            {
                this.output.AppendLine(line);
            }
        }
    }

    async Task WaitUntilHealthyAsync(TimeSpan limit)
    {
        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            if (this.process.HasExited)
            {
                throw new InvalidOperationException($"The LocalHost exited with code {this.process.ExitCode}:\n{this.Output}");
            }

            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{this.ApiPort}/api/health"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The LocalHost did not answer /api/health within {limit.TotalSeconds} s:\n{this.Output}");
    }
}

/// <summary>A Durable Task client connected to a LocalHost, owning its channel and services.</summary>
public sealed class LocalHostClient(ServiceProvider services, GrpcChannel channel) : IAsyncDisposable
{
    public DurableTaskClient Durable { get; } = services.GetRequiredService<DurableTaskClient>();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await channel.ShutdownAsync();
        channel.Dispose();
    }
}
