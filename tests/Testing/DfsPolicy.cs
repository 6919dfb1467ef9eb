namespace IrminSharp.Testing;

/// <summary>
/// Depth-first enumeration of interleavings across schedules: each schedule follows the previous
/// one's choices and takes the next alternative at the deepest decision that has one. Past the
/// depth bound it does not branch and keeps the running thread when it can.
/// </summary>
internal sealed class DfsPolicy(int depth) : ISchedulePolicy
{
    private readonly List<(int Choice, int Count)> path = [];
    private int position;

    public bool Exhausted { get; private set; }

    public void Begin() => position = 0;

    public int Choose(List<ControlledThread> enabled, ControlledThread? current, int step)
    {
        if (position >= depth)
        {
            var keep = current is null ? -1 : enabled.IndexOf(current);
            return keep >= 0 ? keep : 0;
        }

        if (position < path.Count)
        {
            // The same prefix gives the same enabled sets unless the body is not deterministic.
            return Math.Min(path[position++].Choice, enabled.Count - 1);
        }

        path.Add((0, enabled.Count));
        position++;
        return 0;
    }

    /// <summary>Moves to the next unexplored path, or sets <see cref="Exhausted"/>.</summary>
    public void End()
    {
        if (path.Count > position)
        {
            path.RemoveRange(position, path.Count - position);
        }

        while (path.Count > 0 && path[^1].Choice + 1 >= path[^1].Count)
        {
            path.RemoveAt(path.Count - 1);
        }

        if (path.Count == 0)
        {
            Exhausted = true;
        }
        else
        {
            path[^1] = (path[^1].Choice + 1, path[^1].Count);
        }
    }
}
