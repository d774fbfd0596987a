namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// A route's path as ingress-nginx takes it when it uses regular expressions (the
    /// <c>rewrite-target</c> or <c>use-regex</c> annotations): a case-insensitive PCRE anchored at the
    /// path's start (ingress-nginx writes <c>location ~* "^PATH"</c>), compiled by the host into a
    /// small program the board runs here, with a bounded backtracking stack and a bounded number
    /// of steps (a pattern that would take longer is counted and does not match: no request can
    /// hold the board). Nothing is allocated per request; the capture groups of the last match
    /// stay here for the rewrite.
    /// <code>
    /// Match                     the pattern matched
    /// Char c                    the next byte, ASCII letters folded to lower case, is c
    /// Any                       any next byte
    /// Class n (lo hi)*n         the next byte is in one of n ranges (both cases listed)
    /// NotClass n (lo hi)*n      the next byte is in none of them
    /// Many i                    as many next bytes as the one-byte instruction i (Char, Any, Class,
    ///                           NotClass) takes, then fewer on failure (greedy X* on one byte)
    /// Split a b                 go on at a; on failure come back and go on at b (u16 offsets)
    /// Jump a                    go on at a
    /// Save k                    the position is capture slot k (group k/2, start or end)
    /// Start / End               at the path's start / end (^, $)
    /// </code>
    /// </summary>
    public sealed class PathPattern
    {
        public const byte Match = 0;
        public const byte Char = 1;
        public const byte Any = 2;
        public const byte Class = 3;
        public const byte NotClass = 4;
        public const byte Split = 5;
        public const byte Jump = 6;
        public const byte Save = 7;
        public const byte Start = 8;
        public const byte End = 9;
        public const byte Many = 10;

        /// <summary>Groups $0-$9.</summary>
        public const int Groups = 10;

        /// <summary>Backtracking points held at once, and steps a match may take: beyond either it does not match.</summary>
        public const int StackEntries = 48;

        /// <summary>Bytes a backtracking point takes: its kind and three 16-bit values.</summary>
        public const int EntryBytes = 8;
        public const int MaxSteps = 8192;

        /// <summary>The longest program: branch targets are 15-bit.</summary>
        public const int MaxProgram = 32767;

        // Kinds of backtracking entry.
        private const short Branch = 0;
        private const short Undo = 1;
        private const short GiveBack = 2;

        private readonly short[] _slots = new short[2 * Groups];

        // The backtracking stack: per entry four 16-bit values, its kind, then a branch's pc and
        // position; an undo's slot and old value; or a Many's pc after it, the position it reached
        // and the one it started from.
        private readonly byte[] _stack = new byte[StackEntries * EntryBytes];

        /// <summary>Matches given up for taking too long or too many branches.</summary>
        public long TooHard;

        /// <summary>Whether <paramref name="program"/> matches the path b[start, start+length) from its first byte; the groups then in <see cref="GroupStart"/>/<see cref="GroupLength"/>.</summary>
        public bool Matches(byte[] program, byte[] b, int start, int length)
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                _slots[i] = -1;
            }

            int sp = 0;
            int pc = 0;
            int pos = 0;
            int steps = 0;
            while (steps++ < MaxSteps)
            {
                bool ok;
                switch (program[pc])
                {
                    case Match:
                        return true;
                    case Char:
                    case Any:
                    case Class:
                    case NotClass:
                        ok = pos < length && Takes(program, pc, b[start + pos]);
                        pc = Next(program, pc);
                        pos++;
                        break;
                    case Many:
                        // As many bytes as the one-byte instruction after it takes, giving them back one
                        // at a time on failure: one backtracking entry for the whole run, not one a byte.
                        int from = pos;
                        while (pos < length && Takes(program, pc + 1, b[start + pos]))
                        {
                            pos++;
                        }

                        steps += pos - from;
                        pc = Next(program, pc + 1);
                        if (pos > from && !Push(ref sp, GiveBack, pc, pos, from))
                        {
                            return false;
                        }

                        continue;
                    case Split:
                        if (!Push(ref sp, Branch, U16(program, pc + 3), pos, 0))
                        {
                            return false;
                        }

                        pc = U16(program, pc + 1);
                        continue;
                    case Jump:
                        pc = U16(program, pc + 1);
                        continue;
                    case Save:
                        int slot = program[pc + 1];
                        if (sp > 0 && !Push(ref sp, Undo, slot, _slots[slot], 0))
                        {
                            return false; // (with no way back pending, nothing needs undoing)
                        }

                        _slots[slot] = (short)pos;
                        pc += 2;
                        continue;
                    case Start:
                        ok = pos == 0;
                        pc++;
                        break;
                    case End:
                        ok = pos == length;
                        pc++;
                        break;
                    default:
                        return false; // not a program the host makes
                }

                if (ok)
                {
                    continue;
                }

                // Back to the last way not taken, undoing the captures saved since.
                while (true)
                {
                    if (sp == 0)
                    {
                        return false;
                    }

                    sp -= EntryBytes;
                    int kind = Get(sp);
                    if (kind == Undo)
                    {
                        _slots[Get(sp + 2)] = (short)Get(sp + 4);
                        continue;
                    }

                    pc = Get(sp + 2);
                    pos = Get(sp + 4);
                    if (kind == GiveBack)
                    {
                        pos--; // one byte fewer for the run; the entry stays while it has more to give
                        if (pos > Get(sp + 6))
                        {
                            Put(sp + 4, pos);
                            sp += EntryBytes;
                        }
                    }

                    break;
                }
            }

            TooHard++;
            return false;
        }

        // A backtracking entry; false (counted) when the stack is full.
        private bool Push(ref int sp, short kind, int a, int b, int c)
        {
            if (sp == _stack.Length)
            {
                TooHard++;
                return false;
            }

            Put(sp, kind);
            Put(sp + 2, a);
            Put(sp + 4, b);
            Put(sp + 6, c);
            sp += EntryBytes;
            return true;
        }

        // A 16-bit value of the stack (signed: an unset slot's -1 comes back).
        private int Get(int at)
        {
            return (short)(_stack[at] << 8 | _stack[at + 1]);
        }

        private void Put(int at, int value)
        {
            _stack[at] = (byte)(value >> 8);
            _stack[at + 1] = (byte)value;
        }

        // Whether the one-byte instruction at pc takes c.
        private static bool Takes(byte[] program, int pc, byte c)
        {
            switch (program[pc])
            {
                case Char:
                    return Lower(c) == program[pc + 1];
                case Any:
                    return true;
                case Class:
                    return InRanges(program, pc, c);
                default:
                    return !InRanges(program, pc, c);
            }
        }

        /// <summary>
        /// Whether a program is one the matcher can run to its end without reading outside it:
        /// every instruction whole and known, every branch to an instruction's start, capture slots
        /// in range, and the last instruction Match or Jump (so none runs off the end). A state
        /// carrying another is damaged.
        /// </summary>
        public static bool Valid(byte[] program)
        {
            if (program == null || program.Length == 0 || program.Length > MaxProgram)
            {
                return false;
            }

            int last = -1;
            for (int pc = 0; pc < program.Length; pc = Next(program, pc))
            {
                int next = Next(program, pc);
                if (next < 0 || next > program.Length)
                {
                    return false;
                }

                byte op = program[pc];
                if ((op == Save && program[pc + 1] >= 2 * Groups)
                    || (op == Many && (program[pc + 1] < Char || program[pc + 1] > NotClass))
                    || ((op == Split || op == Jump) && !StartsAt(program, U16(program, pc + 1)))
                    || (op == Split && !StartsAt(program, U16(program, pc + 3))))
                {
                    return false;
                }

                last = op;
            }

            return last == Match || last == Jump;
        }

        // Where the instruction after the one at pc starts; -1 for an unknown opcode.
        private static int Next(byte[] program, int pc)
        {
            switch (program[pc])
            {
                case Match:
                case Any:
                case Start:
                case End:
                    return pc + 1;
                case Char:
                case Save:
                    return pc + 2;
                case Class:
                case NotClass:
                    return pc + 1 < program.Length ? pc + 2 + 2 * program[pc + 1] : -1;
                case Split:
                    return pc + 5;
                case Jump:
                    return pc + 3;
                case Many:
                    // Its operand is a one-byte instruction (checked before it is measured: no chain of Many).
                    return pc + 1 < program.Length && program[pc + 1] >= Char && program[pc + 1] <= NotClass ? Next(program, pc + 1) : -1;
                default:
                    return -1;
            }
        }

        private static bool StartsAt(byte[] program, int target)
        {
            int pc = 0;
            while (pc >= 0 && pc < target && pc < program.Length)
            {
                pc = Next(program, pc);
            }

            return pc == target && target < program.Length;
        }

        /// <summary>Where group k of the last match starts (relative to the path), -1 when it took no part.</summary>
        public int GroupStart(int k)
        {
            return _slots[2 * k + 1] < 0 ? -1 : _slots[2 * k];
        }

        public int GroupLength(int k)
        {
            return _slots[2 * k] < 0 || _slots[2 * k + 1] < _slots[2 * k] ? 0 : _slots[2 * k + 1] - _slots[2 * k];
        }

        private static bool InRanges(byte[] program, int pc, byte c)
        {
            int n = program[pc + 1];
            for (int i = 0; i < n; i++)
            {
                if (c >= program[pc + 2 + 2 * i] && c <= program[pc + 3 + 2 * i])
                {
                    return true;
                }
            }

            return false;
        }

        private static int U16(byte[] program, int at)
        {
            return program[at] << 8 | program[at + 1];
        }

        private static int Lower(byte c)
        {
            return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
        }
    }
}
