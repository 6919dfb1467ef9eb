namespace IrminSharp.Compare;

/// <summary>One git process: its wall time from start to exit (its output read), its exit code and its standard output.</summary>
internal sealed record GitProcessRun(TimeSpan Elapsed, int ExitCode, byte[] Output);
