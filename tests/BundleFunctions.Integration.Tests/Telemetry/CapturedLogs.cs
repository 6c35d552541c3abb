using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Integration.Tests.Telemetry;

/// <summary>A logger provider that keeps every line a host logs, with the scopes around it, for a test to read.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    readonly AsyncLocal<ImmutableScopes?> scopes = new();

    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One line: its category, level, text and the scope values around it.</summary>
    public sealed record LogLine(string Category, LogLevel Level, string Text, IReadOnlyDictionary<string, object?> Scope);

    sealed record ImmutableScopes(object State, ImmutableScopes? Outer);

    sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            ImmutableScopes? outer = logs.scopes.Value;
            logs.scopes.Value = new ImmutableScopes(state, outer);
            return new Pop(() => logs.scopes.Value = outer);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Dictionary<string, object?> scope = [];
            for (ImmutableScopes? s = logs.scopes.Value; s is not null; s = s.Outer)
            {
                if (s.State is IEnumerable<KeyValuePair<string, object>> pairs)
                {
                    foreach ((string key, object value) in pairs)
                    {
                        scope.TryAdd(key, value);
                    }
                }
            }

            logs.Lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception), scope));
        }
    }

    sealed class Pop(Action pop) : IDisposable
    {
        public void Dispose() => pop();
    }
}
