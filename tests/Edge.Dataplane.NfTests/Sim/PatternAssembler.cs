#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// Writes <see cref="PathPattern"/> programs by hand for tests on the board (the host's compiler
    /// is not on the board): instructions in order, branch targets by label, patched at the end.
    /// </summary>
    public sealed class PatternAssembler
    {
        private readonly byte[] _code = new byte[512];
        private readonly int[] _labels = new int[16];
        private readonly int[] _fixups = new int[32];
        private readonly int[] _fixupLabels = new int[32];
        private int _length;
        private int _fixupCount;

        public PatternAssembler Text(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                Op(PathPattern.Char);
                _code[_length++] = (byte)text[i];
            }

            return this;
        }

        public PatternAssembler Op(byte op)
        {
            _code[_length++] = op;
            return this;
        }

        public PatternAssembler Save(int slot)
        {
            Op(PathPattern.Save);
            _code[_length++] = (byte)slot;
            return this;
        }

        public PatternAssembler Range(byte op, char low, char high)
        {
            Op(op);
            _code[_length++] = 1;
            _code[_length++] = (byte)low;
            _code[_length++] = (byte)high;
            return this;
        }

        public PatternAssembler Label(int label)
        {
            _labels[label] = _length;
            return this;
        }

        public PatternAssembler Split(int first, int second)
        {
            Op(PathPattern.Split);
            Target(first);
            Target(second);
            return this;
        }

        public PatternAssembler Jump(int label)
        {
            Op(PathPattern.Jump);
            Target(label);
            return this;
        }

        public byte[] Build()
        {
            for (int i = 0; i < _fixupCount; i++)
            {
                int at = _labels[_fixupLabels[i]];
                _code[_fixups[i]] = (byte)(at >> 8);
                _code[_fixups[i] + 1] = (byte)at;
            }

            byte[] program = new byte[_length];
            System.Array.Copy(_code, program, _length);
            return program;
        }

        /// <summary>ingress-nginx's documented example, <c>/something(/|$)(.*)</c>, compiled as the host compiles it.</summary>
        public static byte[] Something()
        {
            return new PatternAssembler()
                .Save(0).Text("/something")
                .Save(2).Split(1, 2)
                .Label(1).Text("/").Jump(3)
                .Label(2).Op(PathPattern.End)
                .Label(3).Save(3)
                .Save(4).Op(PathPattern.Many).Op(PathPattern.Any)
                .Save(5)
                .Save(1).Op(PathPattern.Match)
                .Build();
        }

        private void Target(int label)
        {
            _fixups[_fixupCount] = _length;
            _fixupLabels[_fixupCount++] = label;
            _length += 2;
        }
    }
}
