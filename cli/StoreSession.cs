using IrminSharp.Backends.Pack;

namespace IrminSharp.Cli;

/// <summary>An open pack and the typed view of its repository; disposing closes both.</summary>
internal sealed class StoreSession : IDisposable
{
    private StoreSession(StoreLocation location, PackStore pack, IStoreView view)
    {
        Location = location;
        Pack = pack;
        View = view;
    }

    public StoreLocation Location { get; }

    public PackStore Pack { get; }

    public IStoreView View { get; }

    public static StoreSession Open(StoreLocation location, bool readOnly)
    {
        var pack = location.Open(readOnly);
        try
        {
            return new StoreSession(location, pack, ContentKinds.Open(pack.ContentType, pack.Objects, pack.Refs));
        }
        catch
        {
            pack.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        View.Dispose();
        Pack.Dispose();
    }
}
