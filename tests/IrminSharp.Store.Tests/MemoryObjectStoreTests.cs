using IrminSharp.Backends.Memory;
using IrminSharp.Store;
using IrminSharp.Testing;

namespace IrminSharp.Store.Tests;

public sealed class MemoryObjectStoreTests : ObjectStoreContract
{
    protected override IObjectStore CreateStore() => new MemoryObjectStore();
}
