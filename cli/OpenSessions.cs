namespace IrminSharp.Cli;

/// <summary>Closes extra store sessions, last opened first.</summary>
internal sealed class OpenSessions(List<StoreSession> sessions) : IDisposable
{
    public void Dispose()
    {
        for (var i = sessions.Count - 1; i >= 0; i--)
        {
            sessions[i].Dispose();
        }
    }
}
