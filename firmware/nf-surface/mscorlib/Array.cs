// nanoFramework.CoreLibrary 1.17: System.Array. Single-dimension, zero-based arrays only;
// no Sort, Reverse, Resize, Fill or generic helpers.
namespace System
{
    public abstract class Array : ICloneable, Collections.IList
    {
        public int Length => throw null;
        public static Array CreateInstance(Type elementType, int length) => throw null;
        public static void Copy(Array sourceArray, Array destinationArray, int length) => throw null;
        public static void Copy(Array sourceArray, int sourceIndex, Array destinationArray, int destinationIndex, int length) => throw null;
        public static void Clear(Array array, int index, int length) => throw null;
        public static int IndexOf(Array array, object value) => throw null;
        public static int IndexOf(Array array, object value, int startIndex) => throw null;
        public static int IndexOf(Array array, object value, int startIndex, int count) => throw null;
        public static int BinarySearch(Array array, object value, Collections.IComparer comparer) => throw null;
        public object GetValue(int index) => throw null;
        public void SetValue(object value, int index) => throw null;
        public object Clone() => throw null;
        public void CopyTo(Array array, int index) => throw null;
        public Collections.IEnumerator GetEnumerator() => throw null;
        public object SyncRoot => throw null;
        public bool IsReadOnly => throw null;
        public bool IsFixedSize => throw null;
        public bool IsSynchronized => throw null;
        int Collections.ICollection.Count => throw null;
        object Collections.IList.this[int index] { get => throw null; set { } }
        int Collections.IList.Add(object value) => throw null;
        void Collections.IList.Clear() => throw null;
        bool Collections.IList.Contains(object value) => throw null;
        int Collections.IList.IndexOf(object value) => throw null;
        void Collections.IList.Insert(int index, object value) => throw null;
        void Collections.IList.Remove(object value) => throw null;
        void Collections.IList.RemoveAt(int index) => throw null;
    }
}
