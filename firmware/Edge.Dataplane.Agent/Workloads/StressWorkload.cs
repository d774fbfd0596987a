using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The `stress` image (polinux/stress, the Kubernetes documentation's memory and cpu
    /// exercises): `--vm N --vm-bytes B` workers take B bytes each from the board a block at a
    /// time, touch them, then free them and start again (at once, after `--vm-hang N` seconds,
    /// never with `--vm-hang 0` or `--vm-keep`); `--cpu N` hogs spin on what the loop gives them;
    /// `--timeout N` ends the run with exit 0. What it holds is its container's memory: above the
    /// container's limit, or past what the board lets its pods' programs hold together, the board's
    /// OOM killer ends it (exit 137, OOMKilled) before the block is taken.
    /// </summary>
    public sealed class StressWorkload : IWorkload
    {
        /// <summary>The exit code of a program the OOM killer ended (128 + SIGKILL).</summary>
        public const int OomKilledExit = 137;

        /// <summary>What a vm worker takes from the board a turn, as stress touches its malloc a page at a time.</summary>
        public const int BlockBytes = 256;

        private readonly Kubepods _kubepods;
        private readonly PodLog _log;
        private readonly int _memoryLimit;
        private readonly int _shares;
        private readonly int _quota;
        private readonly int _cpuHogs;
        private readonly long _vmBytes;
        private readonly long _hangMs;
        private readonly long _timeoutMs;
        private byte[][] _blocks;
        private int _count;
        private int _held;
        private long _startedAt = -1;
        private long _freeAt = -1;
        private int _exit = -1;
        private uint _spin = 1;

        /// <summary>Units of work its cpu hogs were given so far (the loop's turns shared by cpu shares).</summary>
        public long CpuWork;

        /// <summary>Turns its cpu limit held its hogs to less than their share (cpu.stat's nr_throttled).</summary>
        public long ThrottledTurns;

        /// <param name="vmBytes">All vm workers' bytes (--vm times --vm-bytes).</param>
        /// <param name="hangMs">How long full memory is held before it is freed: 0 at once, -1 for good.</param>
        /// <param name="timeoutMs">When the run ends (0: never).</param>
        public StressWorkload(Kubepods kubepods, PodLog log, int memoryLimit, int cpuRequest, int cpuLimit, int cpuHogs, int vmWorkers, long vmBytes, long hangMs, long timeoutMs)
        {
            _kubepods = kubepods;
            _log = log;
            _memoryLimit = memoryLimit;
            _shares = Kubepods.Shares(cpuRequest);
            _quota = Kubepods.Quota(cpuLimit);
            _cpuHogs = cpuHogs;
            _vmBytes = vmWorkers * vmBytes;
            _hangMs = hangMs;
            _timeoutMs = timeoutMs;
            log.Line("stress: info: [1] dispatching hogs: " + cpuHogs.ToString() + " cpu, 0 io, " + vmWorkers.ToString() + " vm, 0 hdd");
        }

        /// <summary>
        /// Reads the container's command line as stress does (--cpu N, --vm N, --vm-bytes B with a
        /// k/m/g suffix, --vm-hang N, --vm-keep, --timeout N with an s/m/h suffix); null (with
        /// <paramref name="refused"/>) when it does not take it.
        /// </summary>
        public static StressWorkload Start(ContainerSpec container, PodLog log, Kubepods kubepods, out ImageFlags refused)
        {
            var flags = new ImageFlags("stress", 7);
            int cpu = flags.Define("cpu", "0", null, "spawn N workers spinning on sqrt()");
            int vm = flags.Define("vm", "0", null, "spawn N workers spinning on malloc()/free()");
            int vmBytes = flags.Define("vm-bytes", "256M", null, "malloc B bytes per vm worker");
            int hang = flags.Define("vm-hang", "", null, "sleep N secs before free (0 is inf)");
            int keep = flags.DefineBool("vm-keep", "redirty memory instead of freeing and reallocating");
            int timeout = flags.Define("timeout", "0", null, "timeout after N seconds");
            flags.DefineBool("verbose", "be verbose");
            refused = flags;
            if (!flags.Parse(container.Args, container.Env))
            {
                return null;
            }

            long cpus = Number(flags, cpu, 1), vms = Number(flags, vm, 1), bytes = Number(flags, vmBytes, 1);
            long hangs = flags.Value(hang).Length == 0 ? 0 : Number(flags, hang, 1000);
            long seconds = Number(flags, timeout, 1000);
            if (cpus < 0 || vms < 0 || bytes < 0 || hangs < 0 || seconds < 0)
            {
                return null;
            }

            if (cpus > 64 || vms > 64)
            {
                flags.Error = "stress: FAIL: [1] a board runs 64 workers of a kind at the most\n";
                flags.Exit = 1;
                return null;
            }

            refused = null;
            return new StressWorkload(kubepods, log, container.MemoryLimit, container.CpuRequest, container.CpuLimit, (int)cpus, (int)vms, bytes,
                flags.IsSet(keep) || (flags.Value(hang) == "0") ? -1 : hangs, seconds);
        }

        // A count, size or time as stress reads one: digits and a suffix (b, k, m, g for bytes
        // in 1024s; s, m, h, d for seconds), times unit; -1 (with the error, exit 1) when it is not one.
        private static long Number(ImageFlags flags, int flag, long unit)
        {
            string text = flags.Value(flag);
            long n = 0;
            int i = 0;
            for (; i < text.Length && text[i] >= '0' && text[i] <= '9' && n < 1L << 40; i++)
            {
                n = n * 10 + (text[i] - '0');
            }

            long scale = 1;
            char suffix = i == text.Length - 1 ? (char)(text[i] | 0x20) : ' ';
            if (unit == 1)
            {
                scale = suffix == 'b' ? 1 : suffix == 'k' ? 1024 : suffix == 'm' ? 1024 * 1024 : suffix == 'g' ? 1024 * 1024 * 1024 : 0;
            }
            else
            {
                scale = suffix == 's' ? 1 : suffix == 'm' ? 60 : suffix == 'h' ? 3600 : suffix == 'd' ? 86400 : 0;
            }

            if (i == 0 || i < text.Length - 1 || n >= 1L << 40 || (i == text.Length - 1 && scale == 0))
            {
                flags.Error = "stress: FAIL: [1] (--" + flags.Name(flag) + ") invalid number: " + text + "\n";
                flags.Exit = 1;
                return -1;
            }

            return n * (i == text.Length ? 1 : scale) * unit;
        }

        public string Image
        {
            get { return "stress"; }
        }

        public int Exit
        {
            get { return _exit; }
        }

        /// <summary>Bytes its vm workers hold now (its container's memory as the board charges it).</summary>
        public int HeldBytes
        {
            get { return _held; }
        }

        public void Poll(long now)
        {
            if (_exit >= 0)
            {
                return;
            }

            if (_startedAt < 0)
            {
                _startedAt = now;
            }

            if (_timeoutMs > 0 && now - _startedAt >= _timeoutMs)
            {
                Free();
                _log.Line("stress: info: [1] successful run completed in " + ((now - _startedAt) / 1000).ToString() + "s");
                _exit = 0;
                return;
            }

            if (_cpuHogs > 0)
            {
                int slice = _kubepods.CpuSlice(_shares);
                if (_quota > 0 && slice > _quota)
                {
                    slice = _quota;
                    ThrottledTurns++;
                }

                Spin(slice);
            }

            if (_vmBytes > 0)
            {
                Touch(now);
            }
        }

        public void Stop()
        {
            Free();
        }

        // A vm worker's turn: take the next block until all its bytes are held, then hold them
        // (--vm-hang) and free them to start over.
        private void Touch(long now)
        {
            if (_held >= _vmBytes)
            {
                if (_freeAt < 0 && _hangMs >= 0)
                {
                    _freeAt = now + _hangMs;
                }

                if (_freeAt >= 0 && now >= _freeAt)
                {
                    Free();
                }

                return;
            }

            int block = _vmBytes - _held < BlockBytes ? (int)(_vmBytes - _held) : BlockBytes;
            if ((_memoryLimit > 0 && _held + block > _memoryLimit) || _kubepods.MemoryCurrent + block > _kubepods.MemoryMax)
            {
                Free();
                _exit = OomKilledExit; // the cgroup's OOM kill: the process ends, nothing printed
                return;
            }

            if (_blocks == null || _count == _blocks.Length)
            {
                Grow();
            }

            byte[] taken = new byte[block];
            taken[0] = 1; // touched, as stress dirties every page it mallocs
            taken[block - 1] = 1;
            _blocks[_count++] = taken;
            _held += block;
            _kubepods.MemoryCurrent += block;
        }

        // The list of blocks grows by doubling: a worker asking for 250M on a board holds the
        // list for what it was let have, not for what it asked.
        private void Grow()
        {
            var more = new byte[_blocks == null ? 4 : _blocks.Length * 2][];
            for (int i = 0; i < _count; i++)
            {
                more[i] = _blocks[i];
            }

            _blocks = more;
        }

        private void Free()
        {
            _kubepods.MemoryCurrent -= _held;
            _held = 0;
            _count = 0;
            _blocks = null;
            _freeAt = -1;
        }

        // A cpu hog's turn: the units the loop gave it, each a step of a generator (stress spins on sqrt(rand())).
        private void Spin(int units)
        {
            uint x = _spin;
            for (int i = 0; i < units; i++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
            }

            _spin = x;
            CpuWork += units;
        }
    }
}
