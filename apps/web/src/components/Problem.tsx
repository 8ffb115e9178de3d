export const Problem = ({ text }: { text: string | null }) =>
  text ? (
    <p role="alert" className="error">
      {text}
    </p>
  ) : null;
