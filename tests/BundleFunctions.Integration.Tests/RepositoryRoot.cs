namespace BundleFunctions.Integration.Tests;

/// <summary>Where the repository is, seen from a test assembly in <c>tests/&lt;project&gt;/bin/&lt;Configuration&gt;/net10.0</c>.</summary>
public static class RepositoryRoot
{
    /// <summary>The directory that holds BundleFunctions.sln.</summary>
    public static string Path { get; } = Find();

    /// <summary>The build configuration the tests run in (Release, Debug): the LocalHost and the Functions app are built beside them.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>A path under the repository root.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "BundleFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (BundleFunctions.sln) was not found above " + AppContext.BaseDirectory);
    }
}
