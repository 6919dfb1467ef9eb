namespace IrminSharp.Testing;

/// <summary>Unwinds a controlled thread after its schedule has failed elsewhere.</summary>
internal sealed class ScheduleAbortedException() : Exception("The schedule was stopped because it failed.");
