/** Each view's heading; it takes focus when the view opens. */
export function ViewHeading({ children }: { children: React.ReactNode }) {
  return (
    <h1 tabIndex={-1} className="view-heading">
      {children}
    </h1>
  );
}
