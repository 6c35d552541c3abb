using System.Net.Sockets;
using Azure.Data.Tables;

namespace BundleFunctions.Integration.Tests;

/// <summary>The Azurite instance the suite runs against (started by ./test.sh through scripts/azurite.sh).</summary>
public static class Azurite
{
    /// <summary>Azurite's well-known development connection string.</summary>
    public const string ConnectionString = "UseDevelopmentStorage=true";

    /// <summary>A table service client, after checking that Azurite answers.</summary>
    /// <returns>The client.</returns>
    public static TableServiceClient Tables()
    {
        EnsureRunning();
        return new TableServiceClient(ConnectionString);
    }

    /// <summary>Fails with the fix when Azurite is not running, instead of a socket error deep in a test.</summary>
    public static void EnsureRunning()
    {
        foreach (int port in new[] { 10000, 10001, 10002 })
        {
            try
            {
                using TcpClient client = new();
                client.Connect("127.0.0.1", port);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"Azurite is not listening on 127.0.0.1:{port}. Run ./test.sh, or start it with scripts/azurite.sh start.");
            }
        }
    }
}
