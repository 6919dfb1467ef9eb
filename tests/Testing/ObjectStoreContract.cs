using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Testing;

/// <summary>The behaviour every <see cref="IObjectStore"/> owes; each backend's tests inherit it.</summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore CreateStore();

    private static (Hash, byte[]) Object(int seed)
    {
        var bytes = new byte[1 + (seed % 300)];
        bytes[0] = (byte)ObjectKind.Contents;
        new Random(seed).NextBytes(bytes.AsSpan(1));
        return (NativeSchema.Instance.ComputeHash(bytes), bytes);
    }

    [Fact]
    public void Add_ThenRead_ReturnsTheSameBytes()
    {
        using var store = CreateStore();
        var (hash, bytes) = Object(1);
        Assert.True(store.Add(hash, bytes));
        Assert.True(store.TryRead(hash, out var read));
        Assert.Equal(bytes, read.ToArray());
        Assert.True(store.Contains(hash));
    }

    [Fact]
    public void Add_Twice_IsIdempotent()
    {
        using var store = CreateStore();
        var (hash, bytes) = Object(2);
        Assert.True(store.Add(hash, bytes));
        Assert.False(store.Add(hash, bytes));
        Assert.True(store.TryRead(hash, out var read));
        Assert.Equal(bytes, read.ToArray());
    }

    [Fact]
    public void Read_Absent_IsFalse()
    {
        using var store = CreateStore();
        Assert.False(store.TryRead(Hash.ComputeBlake3([42]), out _));
        Assert.False(store.Contains(Hash.ComputeBlake3([42])));
    }

    [Fact]
    public void Add_DoesNotKeepTheCallersBuffer()
    {
        using var store = CreateStore();
        var (hash, bytes) = Object(3);
        var copy = bytes.ToArray();
        store.Add(hash, bytes);
        Array.Clear(bytes);
        Assert.True(store.TryRead(hash, out var read));
        Assert.Equal(copy, read.ToArray());
    }

    [Fact]
    public void ConcurrentAdds_AllReadable()
    {
        using var store = CreateStore();
        var objects = Enumerable.Range(0, 2000).Select(Object).ToArray();
        Parallel.ForEach(objects, o => store.Add(o.Item1, o.Item2));
        store.Flush();
        foreach (var (hash, bytes) in objects)
        {
            Assert.True(store.TryRead(hash, out var read));
            Assert.Equal(bytes, read.ToArray());
        }
    }
}
