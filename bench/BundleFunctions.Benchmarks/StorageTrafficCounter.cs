using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BundleFunctions.Benchmarks;

/// <summary>
/// Stands between the LocalHost and Azurite and counts every storage request by service and kind (HTTP/1.1 framing is
/// read only far enough to find where each request ends; bytes pass through unchanged, so Shared Key signatures hold).
/// What a deployment pays for in Azure, and what bounds throughput on Azurite: the figure to cut.
/// </summary>
public sealed class StorageTrafficCounter : IAsyncDisposable
{
    readonly List<TcpListener> listeners = [];
    readonly CancellationTokenSource stop = new();
    readonly ConcurrentDictionary<string, int> counts = new();
    readonly List<Task> loops = [];

    StorageTrafficCounter()
    {
    }

    /// <summary>The connection string that sends the LocalHost's storage traffic through the counter.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Requests so far, by "service method kind".</summary>
    public IReadOnlyDictionary<string, int> Counts => new Dictionary<string, int>(this.counts);

    /// <summary>Starts forwarding to Azurite's blob, queue and table ports.</summary>
    public static StorageTrafficCounter Start()
    {
        StorageTrafficCounter counter = new();
        int[] ports = [.. new[] { ("blob", 10000), ("queue", 10001), ("table", 10002) }.Select(s => counter.Listen(s.Item1, s.Item2))];
        const string Account = "devstoreaccount1";
        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        counter.ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};"
            + $"BlobEndpoint=http://127.0.0.1:{ports[0]}/{Account};QueueEndpoint=http://127.0.0.1:{ports[1]}/{Account};TableEndpoint=http://127.0.0.1:{ports[2]}/{Account};";
        return counter;
    }

    /// <summary>Forgets the counts so far.</summary>
    public void Reset() => this.counts.Clear();

    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync();
        this.listeners.ForEach(l => l.Stop());
        await Task.WhenAll(this.loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
        this.stop.Dispose();
    }

    int Listen(string service, int azuritePort)
    {
        TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start(512);
        this.listeners.Add(listener);
        this.loops.Add(Task.Run(async () =>
        {
            while (!this.stop.IsCancellationRequested)
            {
                TcpClient client = await listener.AcceptTcpClientAsync(this.stop.Token);
                _ = this.ForwardAsync(service, client, azuritePort);
            }
        }));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    async Task ForwardAsync(string service, TcpClient client, int azuritePort)
    {
        using (client)
        using (TcpClient azurite = new())
        {
            try
            {
                await azurite.ConnectAsync(IPAddress.Loopback, azuritePort, this.stop.Token);
                NetworkStream from = client.GetStream(), to = azurite.GetStream();
                Task responses = to.CopyToAsync(from, this.stop.Token);
                await this.RequestsAsync(service, from, to);
                await responses;
            }
            catch (Exception ended) when (ended is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A connection closed by either side: nothing more to count.
            }
        }
    }

    /// <summary>Forwards requests one by one, counting each as it passes.</summary>
    async Task RequestsAsync(string service, Stream from, Stream to)
    {
        BufferedReader reader = new(from);
        while (await reader.ReadHeadAsync(this.stop.Token) is { } head)
        {
            await to.WriteAsync(head, this.stop.Token);
            string text = Encoding.ASCII.GetString(head);
            string[] requestLine = text[..text.IndexOf('\r', StringComparison.Ordinal)].Split(' ');
            this.counts.AddOrUpdate($"{service} {requestLine[0]} {Kind(service, requestLine[1])}", 1, (_, n) => n + 1);
            if (Header(text, "Content-Length") is { } length && long.TryParse(length, out long bytes))
            {
                await reader.CopyAsync(to, bytes, this.stop.Token);
            }
            else if (Header(text, "Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                await reader.CopyChunkedAsync(to, this.stop.Token);
            }
        }

        to.Close();
    }

    static string? Header(string head, string name)
    {
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>What a request is for, without its names: <c>$batch</c>, a queue's <c>messages</c>, a table's rows, a blob.</summary>
    static string Kind(string service, string target)
    {
        string path = target.Split('?')[0];
        string[] parts = path.Trim('/').Split('/');
        return service switch
        {
            "queue" => parts.Length >= 3 && parts[2] == "messages" ? (parts.Length > 3 ? "message" : "messages") : "queue",
            "table" => parts.Length >= 2 && parts[1] == "$batch" ? "$batch" : parts.Length >= 2 && parts[1].Contains('(', StringComparison.Ordinal) && !parts[1].EndsWith("()", StringComparison.Ordinal) ? "row" : "query",
            _ => target.Contains("comp=lease", StringComparison.Ordinal) ? "lease" : parts.Length >= 3 ? "blob" : "container",
        };
    }

    /// <summary>Reads a stream in buffered chunks, handing out whole request heads and exact body lengths.</summary>
    sealed class BufferedReader(Stream stream)
    {
        readonly byte[] buffer = new byte[64 * 1024];
        int start;
        int end;

        public async Task<byte[]?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int at = this.buffer.AsSpan(this.start, this.end - this.start).IndexOf("\r\n\r\n"u8);
                if (at >= 0)
                {
                    byte[] head = this.buffer[this.start..(this.start + at + 4)];
                    this.start += at + 4;
                    return head;
                }

                if (!await this.FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        public async Task CopyAsync(Stream to, long bytes, CancellationToken cancellationToken)
        {
            while (bytes > 0)
            {
                if (this.start == this.end && !await this.FillAsync(cancellationToken))
                {
                    return;
                }

                int take = (int)Math.Min(bytes, this.end - this.start);
                await to.WriteAsync(this.buffer.AsMemory(this.start, take), cancellationToken);
                this.start += take;
                bytes -= take;
            }
        }

        public async Task CopyChunkedAsync(Stream to, CancellationToken cancellationToken)
        {
            while (true)
            {
                byte[] sizeLine = await this.ReadLineAsync(cancellationToken) ?? [];
                await to.WriteAsync(sizeLine, cancellationToken);
                string hex = Encoding.ASCII.GetString(sizeLine).Split(';')[0].Trim();
                long size = Convert.ToInt64(hex.Length == 0 ? "0" : hex, 16);
                if (size == 0)
                {
                    // Trailers end with an empty line.
                    while (await this.ReadLineAsync(cancellationToken) is { } trailer)
                    {
                        await to.WriteAsync(trailer, cancellationToken);
                        if (trailer.Length == 2)
                        {
                            return;
                        }
                    }

                    return;
                }

                await this.CopyAsync(to, size + 2, cancellationToken);
            }
        }

        async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int at = this.buffer.AsSpan(this.start, this.end - this.start).IndexOf("\r\n"u8);
                if (at >= 0)
                {
                    byte[] line = this.buffer[this.start..(this.start + at + 2)];
                    this.start += at + 2;
                    return line;
                }

                if (!await this.FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (this.start > 0)
            {
                Array.Copy(this.buffer, this.start, this.buffer, 0, this.end - this.start);
                this.end -= this.start;
                this.start = 0;
            }

            if (this.end == this.buffer.Length)
            {
                throw new IOException("A request head is larger than 64 KiB.");
            }

            int read = await stream.ReadAsync(this.buffer.AsMemory(this.end), cancellationToken);
            this.end += read;
            return read > 0;
        }
    }
}
