namespace IrminSharp.Testing;

/// <summary>A small, fast generator whose output depends only on its seed, on every platform.</summary>
internal struct SplitMix64
{
    private ulong state;

    public SplitMix64(ulong seed) => state = seed;

    /// <summary>A seed for schedule <paramref name="index"/> of the exploration seeded with <paramref name="seed"/>.</summary>
    public static ulong ForSchedule(int seed, int index, ulong stream)
    {
        var mixer = new SplitMix64(((ulong)(uint)seed << 32) | (uint)index);
        return mixer.Next() ^ stream;
    }

    public ulong Next()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, bound).</summary>
    public int Next(int bound) => (int)(((Next() >> 32) * (ulong)bound) >> 32);
}
