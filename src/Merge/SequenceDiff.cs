namespace IrminSharp.Merge;

/// <summary>
/// An edit script between two sequences of ids (elements interned to ints, so that equal elements
/// have equal ids), as hunks. Myers' linear-space algorithm: time O((N+M)·D) for N and M elements
/// and D edits, so the cost follows the size of the change, and memory O(N+M).
/// </summary>
/// <remarks>
/// <para>
/// Steps: the common prefix and suffix are set aside; then the ids that occur on one side only
/// (they can be in no common subsequence, so each is a deletion or an insertion whatever the
/// script); what remains is split at a middle snake, found by searching the edit graph forward
/// from its start and backward from its end, one edit at a time, until the two searches meet on a
/// diagonal. The stretch where they meet lies on a shortest path, so the two halves either side of
/// it are diffed the same way (with an explicit stack, not recursion), until a half is all
/// deletions or all insertions.
/// </para>
/// <para>
/// Cost heuristic, after git's xdiff: when the searches of one split have taken a budget of edit
/// steps each without meeting, the split is made at the furthest point either search reached: the
/// forward point that has consumed the most elements of both sequences, or the backward point with
/// the most left to consume, whichever covers more. Any point of the edit graph cuts the problem
/// into two smaller ones whose scripts join into a valid script, so the result still turns one
/// sequence into the other exactly; it is only no longer sure to be the shortest. Nothing is ever
/// given up as one whole hunk. The budget is the larger of 256 steps and the square root of the
/// input size (as in xdiff), so a split of at most twice the budget in edits is always found
/// exactly, and a pathological input (a large D in a large input) costs about O((N+M)·budget)
/// instead of O((N+M)·D).
/// </para>
/// </remarks>
internal static class SequenceDiff
{
    private const int MinimumBudget = 256;

    // A diagonal that no path of the current number of edits reaches, in either search.
    private const int Unreached = -1;

    /// <summary>The hunks that turn <paramref name="a"/> into <paramref name="b"/>, in order, separated by unchanged elements.</summary>
    public static List<Hunk> Diff(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => Diff(a, b, BudgetFor(a.Length + b.Length));

    /// <summary>
    /// As <see cref="Diff(ReadOnlySpan{int}, ReadOnlySpan{int})"/>, with the number of edit steps
    /// each search of a split may take before the heuristic split (at least 1).
    /// </summary>
    public static List<Hunk> Diff(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
        {
            suffix++;
        }

        var middleA = a[prefix..(a.Length - suffix)];
        var middleB = b[prefix..(b.Length - suffix)];
        var deleted = new bool[middleA.Length];
        var inserted = new bool[middleB.Length];
        MarkChanges(middleA, middleB, deleted, inserted, budget);
        return Hunks(deleted, inserted, prefix);
    }

    /// <summary>The default budget for inputs of <paramref name="size"/> elements in all.</summary>
    public static int BudgetFor(int size) => Math.Max(MinimumBudget, (int)Math.Sqrt(size));

    // Marks the elements of a that the script deletes and those of b that it inserts.
    private static void MarkChanges(ReadOnlySpan<int> a, ReadOnlySpan<int> b, bool[] deleted, bool[] inserted, int budget)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            Array.Fill(deleted, true);
            Array.Fill(inserted, true);
            return;
        }

        var keptA = KeepShared(a, b, deleted, out var positionsA);
        var keptB = KeepShared(b, a, inserted, out var positionsB);
        var keptDeleted = new bool[keptA.Length];
        var keptInserted = new bool[keptB.Length];
        Split(keptA, keptB, keptDeleted, keptInserted, budget);
        for (var i = 0; i < keptA.Length; i++)
        {
            deleted[positionsA[i]] |= keptDeleted[i];
        }

        for (var j = 0; j < keptB.Length; j++)
        {
            inserted[positionsB[j]] |= keptInserted[j];
        }
    }

    // The ids of side that occur in other too, with their positions in side; the others are marked changed.
    private static int[] KeepShared(ReadOnlySpan<int> side, ReadOnlySpan<int> other, bool[] changed, out int[] positions)
    {
        var present = IdSet.Of(other, side.Length);
        var kept = new List<int>(side.Length);
        var where = new List<int>(side.Length);
        for (var i = 0; i < side.Length; i++)
        {
            if (present.Contains(side[i]))
            {
                kept.Add(side[i]);
                where.Add(i);
            }
            else
            {
                changed[i] = true;
            }
        }

        positions = [.. where];
        return [.. kept];
    }

    // Divide and conquer over boxes of the edit graph: trim a box's equal ends, mark a box with one
    // empty side as changed, and cut any other box in two at its middle snake.
    private static void Split(int[] a, int[] b, bool[] deleted, bool[] inserted, int budget)
    {
        var forward = new int[a.Length + b.Length + 3];
        var backward = new int[a.Length + b.Length + 3];
        var boxes = new Stack<(int ALow, int AHigh, int BLow, int BHigh)>();
        boxes.Push((0, a.Length, 0, b.Length));
        while (boxes.TryPop(out var box))
        {
            var (aLow, aHigh, bLow, bHigh) = box;
            while (aLow < aHigh && bLow < bHigh && a[aLow] == b[bLow])
            {
                aLow++;
                bLow++;
            }

            while (aLow < aHigh && bLow < bHigh && a[aHigh - 1] == b[bHigh - 1])
            {
                aHigh--;
                bHigh--;
            }

            var (x, y) = aLow == aHigh || bLow == bHigh
                ? (0, 0)
                : MiddleSnake(a.AsSpan(aLow..aHigh), b.AsSpan(bLow..bHigh), forward, backward, budget);
            if ((x == 0 && y == 0) || (x == aHigh - aLow && y == bHigh - bLow))
            {
                // One side is empty. (A corner as the split would mean a search that found no
                // progress, which cannot happen in a trimmed box; marking keeps the loop finite.)
                deleted.AsSpan(aLow..aHigh).Fill(true);
                inserted.AsSpan(bLow..bHigh).Fill(true);
                continue;
            }

            boxes.Push((aLow + x, aHigh, bLow + y, bHigh));
            boxes.Push((aLow, aLow + x, bLow, bLow + y));
        }
    }

    // A point (x, y) of the edit graph of a and b that lies on a shortest path from (0, 0) to
    // (n, m), other than those two corners: where the forward and backward searches first overlap,
    // the end of the snake of the search that found the overlap (forward when n - m is odd,
    // backward when even). After the budget, the furthest point reached.
    // Both a and b are non-empty and differ in their first and in their last elements.
    //
    // Diagonal k holds the points with x - y = k; forward[k + m + 1] is the furthest x on diagonal
    // k that a path of d edits from (0, 0) reaches, backward[k + m + 1] the smallest x that a path
    // of d edits back from (n, m) reaches. Moves never leave the graph: a path against an edge is
    // not extended across it (a point lost that way is never on a shortest path).
    private static (int X, int Y) MiddleSnake(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int[] forward, int[] backward, int budget)
    {
        int n = a.Length, m = b.Length;
        var delta = n - m;
        var deltaIsOdd = (delta & 1) != 0;
        var zero = m + 1;
        forward[zero] = SnakeForward(a, b, 0, 0);
        backward[zero + delta] = SnakeBackward(a, b, n, delta);
        int forwardLow = 0, forwardHigh = 0, backwardLow = delta, backwardHigh = delta;
        var steps = Math.Min(budget, n + m);
        for (var d = 1; d <= steps; d++)
        {
            // Forward: diagonals k with k ≡ d (mod 2), from those of d - 1 edits either side.
            var low = Math.Max(-d, -m);
            var high = Math.Min(d, n);
            low += (low ^ d) & 1;
            high -= (high ^ d) & 1;
            for (var k = low; k <= high; k += 2)
            {
                var x = Unreached;
                if (k - 1 >= forwardLow && k - 1 <= forwardHigh && forward[zero + k - 1] is var right && right != Unreached && right < n)
                {
                    x = right + 1;
                }

                if (k + 1 >= forwardLow && k + 1 <= forwardHigh && forward[zero + k + 1] is var down && down != Unreached && down - k <= m && down > x)
                {
                    x = down;
                }

                if (x != Unreached)
                {
                    x = SnakeForward(a, b, x, k);
                    if (deltaIsOdd && k >= backwardLow && k <= backwardHigh && backward[zero + k] is var met && met != Unreached && x >= met)
                    {
                        return (x, x - k);
                    }
                }

                forward[zero + k] = x;
            }

            forwardLow = low;
            forwardHigh = high;

            // Backward: diagonals k with k - delta ≡ d (mod 2).
            low = Math.Max(delta - d, -m);
            high = Math.Min(delta + d, n);
            low += ((low - delta) ^ d) & 1;
            high -= ((high - delta) ^ d) & 1;
            for (var k = low; k <= high; k += 2)
            {
                var x = Unreached;
                if (k + 1 >= backwardLow && k + 1 <= backwardHigh && backward[zero + k + 1] is var left && left != Unreached && left > 0)
                {
                    x = left - 1;
                }

                if (k - 1 >= backwardLow && k - 1 <= backwardHigh && backward[zero + k - 1] is var up && up != Unreached && up - k >= 0 && (x == Unreached || up < x))
                {
                    x = up;
                }

                if (x != Unreached)
                {
                    x = SnakeBackward(a, b, x, k);
                    if (!deltaIsOdd && k >= forwardLow && k <= forwardHigh && forward[zero + k] is var met && met != Unreached && x <= met)
                    {
                        return (x, x - k);
                    }
                }

                backward[zero + k] = x;
            }

            backwardLow = low;
            backwardHigh = high;
        }

        return FurthestPoint(n + m, forward, forwardLow, forwardHigh, backward, backwardLow, backwardHigh, zero);
    }

    // The heuristic split: the forward point with the largest x + y, or the backward point with
    // the smallest, whichever is further from its own start.
    private static (int X, int Y) FurthestPoint(int size, int[] forward, int forwardLow, int forwardHigh, int[] backward, int backwardLow, int backwardHigh, int zero)
    {
        (int X, int Y) ahead = (0, 0);
        for (var k = forwardLow; k <= forwardHigh; k += 2)
        {
            var x = forward[zero + k];
            if (x != Unreached && (2 * x) - k > ahead.X + ahead.Y)
            {
                ahead = (x, x - k);
            }
        }

        (int X, int Y) behind = (-1, -1);
        for (var k = backwardLow; k <= backwardHigh; k += 2)
        {
            var x = backward[zero + k];
            if (x != Unreached && (behind.X < 0 || (2 * x) - k < behind.X + behind.Y))
            {
                behind = (x, x - k);
            }
        }

        return behind.X < 0 || ahead.X + ahead.Y >= size - (behind.X + behind.Y) ? ahead : behind;
    }

    // The end of the run of equal elements from x on diagonal k, going forward.
    private static int SnakeForward(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int x, int k)
    {
        var y = x - k;
        while (x < a.Length && y < b.Length && a[x] == b[y])
        {
            x++;
            y++;
        }

        return x;
    }

    // The start of the run of equal elements ending at x on diagonal k, going backward.
    private static int SnakeBackward(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int x, int k)
    {
        var y = x - k;
        while (x > 0 && y > 0 && a[x - 1] == b[y - 1])
        {
            x--;
            y--;
        }

        return x;
    }

    // The hunks of a script given as the marks of deleted and inserted elements; the unmarked
    // elements of the two sides pair up in order.
    private static List<Hunk> Hunks(bool[] deleted, bool[] inserted, int offset)
    {
        var hunks = new List<Hunk>();
        int i = 0, j = 0;
        while (i < deleted.Length || j < inserted.Length)
        {
            if ((i < deleted.Length && deleted[i]) || (j < inserted.Length && inserted[j]))
            {
                int fromI = i, fromJ = j;
                while (i < deleted.Length && deleted[i])
                {
                    i++;
                }

                while (j < inserted.Length && inserted[j])
                {
                    j++;
                }

                hunks.Add(new Hunk(offset + fromI, offset + i, offset + fromJ, offset + j));
            }
            else
            {
                i++;
                j++;
            }
        }

        return hunks;
    }
}
