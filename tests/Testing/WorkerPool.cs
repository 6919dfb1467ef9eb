namespace IrminSharp.Testing;

/// <summary>
/// Real threads reused across the schedules of one exploration: starting a thread costs far more
/// than a whole small schedule. A thread left stuck by a hung schedule is never reused.
/// </summary>
/// <remarks>Thread-static state in the code under test carries over from one schedule to the next.</remarks>
internal sealed class WorkerPool : IDisposable
{
    private readonly Lock gate = new();
    private readonly Stack<Worker> idle = new();
    private bool disposed;

    /// <summary>Runs <paramref name="work"/> on an idle thread, then <paramref name="returned"/> once that thread is idle again.</summary>
    public void Start(Action work, Action returned)
    {
        Worker? worker;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            idle.TryPop(out worker);
        }

        worker ??= new Worker(this);
        worker.Work = work;
        worker.Returned = returned;
        worker.Go.Release();
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            foreach (var worker in idle)
            {
                worker.Go.Release();
            }

            idle.Clear();
        }
    }

    private bool Return(Worker worker)
    {
        lock (gate)
        {
            if (disposed)
            {
                return false;
            }

            idle.Push(worker);
            return true;
        }
    }

    private sealed class Worker
    {
        private readonly WorkerPool pool;

        public Worker(WorkerPool pool)
        {
            this.pool = pool;
            new Thread(Loop) { IsBackground = true, Name = "schedule worker" }.Start();
        }

        public SemaphoreSlim Go { get; } = new(0);

        public Action? Work { get; set; }

        public Action? Returned { get; set; }

        private void Loop()
        {
            while (true)
            {
                Go.Wait();
                var work = Work;
                var returned = Returned;
                Work = null;
                Returned = null;
                if (work is null)
                {
                    return;
                }

                work();
                var reused = pool.Return(this);
                returned?.Invoke();
                if (!reused)
                {
                    return;
                }
            }
        }
    }
}
